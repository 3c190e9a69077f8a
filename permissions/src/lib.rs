//! `knitting_permissions`: Knitting permission policies (`strict`, `unsafe`,
//! `custom`, policy files) resolved to a `deno_permissions` container per
//! worker. Its policy model lands with the permissions issue; until then,
//! pool workers run with the `knit` process's own permission flags.
