//! `deno_knitting`: real threads, normal functions. Task pools for deno_core
//! runtimes: each pool worker is an OS thread with its own JS runtime, and
//! calls travel through shared-memory lanes (see `js/PROTOCOL.md`). This
//! crate needs deno_core only.
//!
//! Add [`deno_knitting`] to a runtime with [`KnittingRole::Host`], give it a
//! [`WorkerRuntimeFactory`] that builds the workers' runtimes, and serve the
//! [`modules`] from your module loader; JS then imports `"knitting"`.
//! `knitting_runtime` does all of this with deno_runtime (what `knit`
//! uses); `examples/embed` does it with a bare `deno_core::JsRuntime`.

// The ground floor: the memory layout, wake-ups, errors.
mod errors;
mod layout;
mod wake;
// Lanes: their shared memory, payload buffers, their life worker by worker.
mod buffers;
mod lane;
mod lane_memory;
mod payload;
// Pools, the worker threads, and the seam to whoever builds runtimes.
mod interface;
pub mod modules;
mod pool;
mod worker;
// The ops, over all of the above.
mod ops;

pub use errors::KnittingError;
pub use interface::BoxError;
pub use interface::Warm;
pub use interface::WarmJob;
pub use interface::WarmThread;
pub use interface::WorkerRuntime;
pub use interface::WorkerRuntimeArgs;
pub use interface::WorkerRuntimeFactory;
pub use lane_memory::LaneMemory;
pub use pool::HostConfig;

/// A digest of the extension's JS (`js/`), which deno_core reads from the
/// build tree, not from the binary: a cache of anything made from it (a
/// startup snapshot) must be keyed by it.
pub const JS_DIGEST: &str = env!("KNITTING_JS_DIGEST");
/// Where the extension's JS was when this crate was built.
pub const JS_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../js");

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
  ops = [
    ops::op_knitting_layout,
    ops::op_knitting_pool_create,
    ops::op_knitting_lane_buffer,
    ops::op_knitting_lane_failure,
    ops::op_knitting_pool_shutdown,
    ops::op_knitting_lane_respawn,
    ops::op_knitting_lane_interrupt,
    ops::op_knitting_debug_env,
    ops::op_knitting_debug_print,
    ops::op_knitting_wake_worker,
    ops::op_knitting_host_park,
    ops::op_knitting_worker_park,
    ops::op_knitting_wake_host,
    ops::op_knitting_turn_event_loop,
    ops::op_knitting_yield_thread,
    ops::op_knitting_now,
    ops::op_knitting_put_bytes,
    ops::op_knitting_take_bytes,
    ops::op_knitting_worker_init,
    ops::op_knitting_worker_ready,
    ops::op_knitting_is_worker,
  ],
  esm_entry_point = "ext:deno_knitting/99_api.js",
  esm = [
    dir "../js",
    "00_values.js",
    "01_lane.js",
    "02_codec.js",
    "03_options.js",
    "04_balance.js",
    "05_inline.js",
    "06_host_stats.js",
    "06_worker_tasks.js",
    "07_host_lane.js",
    "08_host.js",
    "08_worker.js",
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
