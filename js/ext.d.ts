// What the extension's JS imports from deno_core and the runtime, for
// `tsc -p js`: the ops and `core` are untyped here (their types are Rust's).
declare module "ext:core/ops";
declare module "ext:core/mod.js";
declare var Deno: any;
