//! `knitting_runtime`: Knitting on deno_runtime, as `knit` runs it. The
//! program's main worker and its pool workers are `MainWorker`s (Web APIs,
//! `Deno.*` behind permissions, Node's built-ins and `require`), modules are
//! found as `deno run` finds them and compiled by deno_ast, and runtimes
//! start from a startup snapshot, pre-warmed while the program loads.
//! `deno_knitting` itself needs none of this.

// How modules are found and made ready to load.
mod module_loader;
mod prepare;
mod resolution;
// What every runtime shares, and what a worker may not do to the process.
mod confine;
mod services;
// Runtimes: the program's, Web Workers, pool workers.
mod factory;
mod runtime;
// Starting fast: the snapshot, and runtimes made ahead of time.
pub mod prewarm;
pub mod snapshot;

pub use factory::DenoWorkerFactory;
pub use module_loader::KnitModuleLoader;
pub use module_loader::LoaderRole;
pub use resolution::Resolution;
pub use resolution::ResolutionOptions;
pub use resolution::ResolutionSetupError;
pub use runtime::create_main_worker;
pub use runtime::create_web_worker_callback;
pub use runtime::RuntimeSpec;
