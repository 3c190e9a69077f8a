//! The seam between the pools and whoever builds JS runtimes: a pool asks a
//! [`WorkerRuntimeFactory`] for each worker's runtime, on the worker's own
//! thread. `deno_knitting` itself knows only deno_core; `knitting_runtime`
//! implements the factory with deno_runtime (Web APIs, `Deno.*`, Node), and
//! an embedder can implement it with a bare `deno_core::JsRuntime`
//! (`examples/embed`).

use std::any::Any;
use std::sync::mpsc;
use std::thread::JoinHandle;

use deno_core::Extension;
use deno_core::JsRuntime;
use deno_core::ModuleSpecifier;
use deno_permissions::PermissionsContainer;

pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// Builds the JS runtime of a pool worker.
pub trait WorkerRuntimeFactory: Send + Sync + 'static {
  /// Make the worker's runtime. Called on the worker's own thread, inside
  /// the tokio runtime that will drive it. The runtime must include
  /// `args.knitting` among its extensions, and its module loader must serve
  /// `args.main_module` and the other modules of [`crate::modules`] (the
  /// pool then loads and runs the main module itself).
  fn create(&self, args: WorkerRuntimeArgs) -> Result<Box<dyn WorkerRuntime>, BoxError>;

  /// A thread this factory started ahead of time, to become a lane's
  /// thread (see [`WarmThread`]). Asked only for pools without
  /// `resourceLimits` on the heap or stack, which are set when a runtime is
  /// made. None (the default): the pool starts a thread of its own.
  fn take_warm_thread(&self) -> Option<WarmThread> {
    None
  }
}

/// A worker's runtime, and whatever it lives in (a deno_runtime
/// `MainWorker` holds its `JsRuntime` and more).
pub trait WorkerRuntime {
  fn js_runtime(&mut self) -> &mut JsRuntime;
}

impl WorkerRuntime for JsRuntime {
  fn js_runtime(&mut self) -> &mut JsRuntime {
    self
  }
}

pub struct WorkerRuntimeArgs {
  /// `deno_knitting` set up for this lane.
  pub knitting: Extension,
  /// The worker's entry module ([`crate::modules::WORKER_URL`]).
  pub main_module: ModuleSpecifier,
  /// What task code may touch: the pool's policy within the host's grants,
  /// a fresh container for this worker. Give it to the runtime.
  pub permissions: PermissionsContainer,
  /// The same policy, resolved (e.g. whether it may read everything).
  pub policy: std::sync::Arc<knitting_permissions::Resolved>,
  /// The pool's task modules, which the worker imports dynamically itself.
  pub task_modules: Vec<ModuleSpecifier>,
  /// What this factory's warm thread prepared ([`Warm::prepared`]), when
  /// the worker runs on one: a runtime made ahead of time on this thread
  /// (a second runtime on one thread breaks the engine, so build from it).
  pub prepared: Option<Box<dyn Any>>,
  /// The engine's create params for `resourceLimits` (heap limit, stack
  /// limit), or None; never given with `prepared`. Make the runtime with
  /// them on this thread: the stack limit is an address in its stack.
  pub create_params: Option<deno_core::v8::CreateParams>,
  /// Files the worker may hold open at once (`resourceLimits.maxOpenFiles`,
  /// or a default cap when the policy does not grant everything); None: no
  /// cap. For a factory whose runtimes open files.
  pub max_open_files: Option<u32>,
}

/// A thread a factory started ahead of time (made a tokio runtime and,
/// say, a JS runtime from a snapshot, which takes milliseconds), waiting
/// for the job that makes it a lane's thread. It runs that job once, then
/// ends when the job returns.
pub struct WarmThread {
  pub thread: JoinHandle<()>,
  pub jobs: mpsc::Sender<WarmJob>,
}

/// What a warm thread runs once given a lane: the worker, from what the
/// thread prepared (None when it could not prepare anything).
pub type WarmJob = Box<dyn FnOnce(Option<Warm>) + Send>;

/// What a warm thread prepared.
pub struct Warm {
  /// The tokio runtime the thread made (and `prepared` was made in).
  pub tokio: tokio::runtime::Runtime,
  /// Given back to the factory as [`WorkerRuntimeArgs::prepared`].
  pub prepared: Option<Box<dyn Any>>,
}
