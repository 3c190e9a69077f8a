//! Pool workers as deno_runtime `MainWorker`s, so Web APIs, Node's built-ins
//! and the permission-checked `Deno.*` APIs work inside tasks, confined to
//! what a thread of a shared process may do (`confine.rs`).

use std::sync::Arc;

use deno_knitting::BoxError;
use deno_knitting::WarmThread;
use deno_knitting::WorkerRuntime;
use deno_knitting::WorkerRuntimeArgs;
use deno_knitting::WorkerRuntimeFactory;
use deno_runtime::worker::MainWorker;
use deno_runtime::worker::UnconfiguredRuntime;
use knitting_permissions::Access;

use crate::confine::confine_runtime;
use crate::confine::confine_stdio;
use crate::confine::confine_thread;
use crate::confine::confined;
use crate::module_loader::LoaderRole;
use crate::resolution::Resolution;
use crate::runtime::create_main_worker;
use crate::runtime::RuntimeSpec;
use crate::snapshot::RuntimeSnapshot;

/// Builds each pool worker's runtime as a `MainWorker`; from a startup
/// snapshot when one is given (an order of magnitude faster to start), and
/// then on threads pre-warmed from it when `prewarm` is armed.
pub struct DenoWorkerFactory {
  pub snapshot: Option<&'static RuntimeSnapshot>,
  /// How modules are found: the host's, so workers resolve alike.
  pub resolution: Arc<Resolution>,
}

/// A pool worker's `MainWorker`, for the pool to drive.
struct PoolWorker(MainWorker);

impl WorkerRuntime for PoolWorker {
  fn js_runtime(&mut self) -> &mut deno_core::JsRuntime {
    &mut self.0.js_runtime
  }
}

impl WorkerRuntimeFactory for DenoWorkerFactory {
  fn create(&self, args: WorkerRuntimeArgs) -> Result<Box<dyn WorkerRuntime>, BoxError> {
    // The thread's file rules first: a pre-warmed runtime has opened none.
    confine_thread(
      !args.policy.grants_everything(),
      args.max_open_files.map(|n| n as usize),
    );
    let unconfigured = match args.prepared {
      Some(prepared) => Some(
        *prepared
          .downcast::<UnconfiguredRuntime>()
          .map_err(|_| "a warm thread of another factory was given to knit's")?,
      ),
      None => None,
    };
    let mut worker = create_main_worker(RuntimeSpec {
      main_module: args.main_module,
      permissions: args.permissions,
      args: vec![],
      resolution: self.resolution.clone(),
      extensions: vec![confined(args.knitting)],
      role: LoaderRole::PoolWorker(args.task_modules),
      snapshot: self.snapshot,
      unconfigured,
      create_params: args.create_params,
    });
    confine_runtime(&mut worker.js_runtime)?;
    confine_stdio(
      &mut worker.js_runtime.op_state().borrow_mut(),
      matches!(args.policy.grants.read.allow, Access::All),
      args.policy.console,
    )?;
    Ok(Box::new(PoolWorker(worker)))
  }

  fn take_warm_thread(&self) -> Option<WarmThread> {
    // Warm threads hold runtimes made from the snapshot.
    self.snapshot?;
    crate::prewarm::take()
  }
}
