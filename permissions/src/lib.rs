//! `knitting_permissions`: what task code may touch. A pool's permission
//! policy (`"strict"` by default, `"unsafe"`, `"custom"`, or an object)
//! is parsed ([`Policy`]), resolved against the working directory and
//! the pool's task modules ([`resolve`]), narrowed to what the
//! `knit` process itself may do ([`within_host`]) (both: [`pool_policy`]),
//! per capability ([`Capability`]: what it allows and denies), and turned into a
//! `deno_permissions` container per worker ([`container`]), which Deno's own
//! checks then enforce inside the worker, without prompts.

mod advice;
mod capability;
mod container;
mod explain;
mod host;
mod policy;
mod program;
mod resolve;

pub use advice::pool_denial_advice;
pub use capability::Access;
pub use capability::Capability;
pub use capability::Grants;
pub use container::container;
pub use container::to_options;
pub use container::CanonicalPathParser;
pub use explain::explain;
pub use host::host_grants;
pub use host::pool_policy;
pub use host::within_host;
pub use policy::Grant;
pub use policy::Mode;
pub use policy::Policy;
pub use policy::PolicyObject;
pub use program::ProgramFiles;
pub use resolve::canonical;
pub use resolve::resolve;
pub use resolve::Context;
pub use resolve::Resolved;

/// A policy that cannot be used, with the field at fault.
#[derive(Debug, thiserror::Error)]
pub enum PolicyError {
  #[error("{field}: {problem}")]
  Field { field: String, problem: String },
  #[error("line {line}, column {column}: {problem}")]
  Syntax {
    line: usize,
    column: usize,
    problem: String,
  },
}
