//! `deno_knitting`: real threads, normal functions. Task pools for deno_core
//! runtimes: each pool worker is an OS thread with its own JS runtime, and
//! calls travel through shared-memory mailboxes (see `js/PROTOCOL.md`).
//!
//! Add [`deno_knitting`] to a runtime with [`KnittingRole::Host`] and load
//! modules with [`KnitModuleLoader`]; JS then imports `"knitting"`.

mod buffers;
mod confine;
mod errors;
mod lane;
mod layout;
mod mailbox;
mod module_loader;
mod payload;
mod pool;
mod prepare;
pub mod prewarm;
mod resolution;
mod runtime;
pub mod snapshot;
mod wake;
mod worker;

pub use errors::KnittingError;
pub use mailbox::LaneMemory;
pub use module_loader::KnitModuleLoader;
pub use module_loader::LoaderRole;
pub use module_loader::API_SPECIFIERS;
pub use pool::HostConfig;
pub use resolution::Resolution;
pub use resolution::ResolutionOptions;
pub use resolution::ResolutionSetupError;
pub use runtime::create_main_worker;
pub use runtime::create_web_worker_callback;
pub use runtime::RuntimeSpec;
pub use worker::BoxError;
pub use worker::DenoWorkerFactory;
pub use worker::WorkerRuntimeArgs;
pub use worker::WorkerRuntimeFactory;

/// Which side of the pools a runtime is.
pub enum KnittingRole {
  /// A runtime that may create pools.
  Host(HostConfig),
  /// A pool worker whose lane is given after its runtime exists (so a
  /// runtime can be made ahead of time); set up by the pool itself.
  PendingWorker,
}

deno_core::extension!(
  deno_knitting,
  deps = [deno_web],
  ops = [
    layout::op_knitting_layout,
    pool::op_knitting_pool_create,
    pool::op_knitting_lane_buffer,
    pool::op_knitting_lane_failure,
    pool::op_knitting_pool_shutdown,
    pool::op_knitting_lane_respawn,
    pool::op_knitting_lane_interrupt,
    pool::op_knitting_debug_env,
    pool::op_knitting_debug_print,
    wake::op_knitting_wake_worker,
    wake::op_knitting_host_park,
    wake::op_knitting_worker_park,
    wake::op_knitting_wake_host,
    wake::op_knitting_turn_event_loop,
    wake::op_knitting_yield_thread,
    payload::op_knitting_put_bytes,
    payload::op_knitting_take_bytes,
    worker::op_knitting_worker_init,
    worker::op_knitting_worker_ready,
    worker::op_knitting_is_worker,
  ],
  esm_entry_point = "ext:deno_knitting/99_api.js",
  esm = [
    dir "../js",
    "00_values.js",
    "01_lane.js",
    "02_codec.js",
    "03_host.js",
    "03_host_lane.js",
    "03_host_stats.js",
    "04_worker.js",
    "04_worker_tasks.js",
    "05_options.js",
    "06_balance.js",
    "07_inline.js",
    "99_api.js"
  ],
  options = { role: KnittingRole },
  state = |state, options| {
    match options.role {
      KnittingRole::Host(config) => state.put(pool::KnittingHost::new(config)),
      KnittingRole::PendingWorker => {}
    }
  },
);
