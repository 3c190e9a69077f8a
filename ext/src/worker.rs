//! Pool worker threads: one OS thread per lane, one JS runtime per thread
//! for the thread's whole life (a v8x bug breaks threads that make a second
//! runtime), made by the pool's factory and run until its lane closes.

use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::thread::JoinHandle;

use deno_core::ModuleSpecifier;
use deno_core::PollEventLoopOptions;
use serde::Serialize;

use crate::interface::BoxError;
use crate::interface::Warm;
use crate::interface::WarmJob;
use crate::interface::WorkerRuntimeArgs;
use crate::interface::WorkerRuntimeFactory;
use crate::lane::Lane;
use crate::modules::WORKER_URL;

/// The engine's create params for a worker's limits (None: no limits).
fn engine_limits(max_heap_bytes: Option<usize>, stack_limit: Option<usize>) -> Option<deno_core::v8::CreateParams> {
  if max_heap_bytes.is_none() && stack_limit.is_none() {
    return None;
  }
  let mut params = deno_core::v8::CreateParams::default();
  if let Some(max) = max_heap_bytes {
    params = params.heap_limits(0, max);
  }
  if let Some(limit) = stack_limit {
    // SAFETY: `limit` lies inside the stack of the thread that makes and
    // runs this isolate (`spawn_lane` sized it; see `stack_limit_here`).
    params = unsafe { params.set_stack_limit(limit as *mut u32) };
  }
  Some(params)
}

/// The worker side's op state.
pub struct KnittingWorker {
  /// The worker loop's capability: an unguessable number handed out once
  /// (by `op_knitting_worker_init`, before task code runs) that every op
  /// touching the lanes requires, so task code cannot use those ops even
  /// if it can reach them.
  pub token: u32,
  pub token_taken: bool,
  pub lane: Arc<Lane>,
  /// Which of the lane's workers this is (see `Lane::abandon`).
  pub generation: u32,
  /// Every lane of the pool (this one included), for work stealing.
  pub peers: Arc<[Arc<Lane>]>,
  pub init: Arc<PoolInit>,
}

impl KnittingWorker {
  /// Whether `token` is the worker loop's and this worker still serves its
  /// lane (an abandoned worker that woke up no longer does).
  pub fn owns_lane(&self, token: u32) -> bool {
    self.token == token && self.generation == self.lane.generation()
  }
}

/// What every worker loop of a pool starts from (js/08_worker.js reads it).
#[derive(Clone, Serialize)]
pub struct PoolInit {
  /// Call index -> where the worker finds the function (made by the host's JS).
  pub tasks: serde_json::Value,
  /// Worker tuning (spin, park, result batching, bootstrap; the host's JS).
  pub worker: serde_json::Value,
  /// Whether task output is shown (the policy's `console`).
  pub console: bool,
}

/// What one worker loop starts from: its pool's, its lane and its token.
#[derive(Serialize)]
pub struct WorkerInit {
  #[serde(flatten)]
  pub pool: PoolInit,
  pub lane: u32,
  pub token: u32,
}

/// A random token in the small-integer range ops pass cheaply.
pub fn new_token() -> u32 {
  use std::hash::BuildHasher;
  let random = std::collections::hash_map::RandomState::new().hash_one(std::time::Instant::now());
  ((random as u32) & 0x3fff_ffff) | 1
}

/// What every worker of a pool starts from.
pub struct WorkerSetup {
  /// Every lane of the pool, for work stealing.
  pub peers: Arc<[Arc<Lane>]>,
  pub factory: Arc<dyn WorkerRuntimeFactory>,
  /// The task table and tuning the worker loop reads.
  pub init: Arc<PoolInit>,
  /// The pool's resolved permission policy (within the host's grants).
  pub policy: Arc<knitting_permissions::Resolved>,
  pub task_modules: Vec<ModuleSpecifier>,
  /// `resourceLimits.maxHeapMb`.
  pub max_heap_mb: Option<u32>,
  /// `resourceLimits.stackMb`.
  pub stack_mb: Option<u32>,
  /// Files a worker may hold open at once (None: no cap).
  pub max_open_files: Option<u32>,
}

/// Start the lane's worker: on a pre-warmed thread when one waits, else on
/// a new thread. Returns the thread, which lives as long as the worker.
pub fn spawn_lane(lane: Arc<Lane>, setup: Arc<WorkerSetup>, generation: u32) -> std::io::Result<JoinHandle<()>> {
  // A runtime made ahead of time has no heap or stack limit (they are set
  // when a runtime is made, the stack's on a thread sized for it), so a
  // limited pool makes its own.
  let ready = match (setup.max_heap_mb, setup.stack_mb) {
    (None, None) => setup.factory.take_warm_thread(),
    _ => None,
  };
  if let Some(ready) = ready {
    let name = format!("knit-worker-{}", lane.index);
    // Now if the thread runs, and again from inside it (a warm thread that
    // had not started yet names itself when it does).
    name_thread(&ready.thread, &name);
    let job: WarmJob = Box::new(move |warm| {
      name_current_thread(&name);
      lane_body(lane, setup, generation, warm)
    });
    if ready.jobs.send(job).is_ok() {
      return Ok(ready.thread);
    }
    return Err(std::io::Error::other("a pre-warmed worker thread ended"));
  }
  let mut thread = std::thread::Builder::new().name(format!("knit-worker-{}", lane.index));
  if let Some(mb) = setup.stack_mb {
    thread = thread.stack_size(mb as usize * MIB + NATIVE_STACK);
  }
  thread.spawn(move || lane_body(lane, setup, generation, None))
}

/// Stack a worker thread keeps beyond the engine's limit: the frames above
/// the runtime and the native code (ops, the engine's own C) that runs when
/// JS is at its limit. The same margin as an unlimited worker's (a 2 MiB
/// thread, 1 MiB for JS).
const NATIVE_STACK: usize = MIB;

/// The engine's stack limit for a runtime made in this frame or deeper:
/// `bytes` below the current stack pointer.
#[inline(never)]
fn stack_limit_here(bytes: usize) -> usize {
  let here = 0u8;
  (&here as *const u8 as usize).saturating_sub(bytes)
}

/// Rename a thread (what `/proc` and debuggers show): a pre-warmed thread
/// becomes the lane's worker thread.
fn name_thread(thread: &JoinHandle<()>, name: &str) {
  use std::os::unix::thread::JoinHandleExt;
  if let Ok(name) = std::ffi::CString::new(&name.as_bytes()[..name.len().min(15)]) {
    // SAFETY: a live thread's handle and a NUL-terminated name of <= 16 bytes.
    unsafe { libc::pthread_setname_np(thread.as_pthread_t(), name.as_ptr()) };
  }
}

fn name_current_thread(name: &str) {
  if let Ok(name) = std::ffi::CString::new(&name.as_bytes()[..name.len().min(15)]) {
    // SAFETY: PR_SET_NAME reads a NUL-terminated string of at most 16 bytes.
    unsafe { libc::prctl(libc::PR_SET_NAME, name.as_ptr()) };
  }
}

fn lane_body(lane: Arc<Lane>, setup: Arc<WorkerSetup>, generation: u32, warm: Option<Warm>) {
  let outcome = std::panic::catch_unwind(AssertUnwindSafe(|| run_lane(&lane, &setup, generation, warm)));
  let failure = match outcome {
    Ok(Ok(())) => None,
    Ok(Err(error)) => Some(error.to_string()),
    Err(panic) => Some(format!(
      "the worker thread panicked: {}",
      panic
        .downcast_ref::<String>()
        .map(String::as_str)
        .or(panic.downcast_ref::<&str>().copied())
        .unwrap_or("unknown cause")
    )),
  };
  if lane.is_closing() {
    lane.host_bell.ring();
  } else {
    // Not asked to stop: the worker died (or its loop ended on its own,
    // which the host must learn as well).
    lane.fail(
      generation,
      failure.unwrap_or_else(|| "the worker's runtime stopped".into()),
    );
  }
}

fn run_lane(lane: &Arc<Lane>, setup: &WorkerSetup, generation: u32, warm: Option<Warm>) -> Result<(), BoxError> {
  let (tokio, prepared) = match warm {
    Some(warm) => (warm.tokio, warm.prepared),
    None => (
      tokio::runtime::Builder::new_current_thread().enable_all().build()?,
      None,
    ),
  };
  // A denial in task code names the pool's policy entry that would allow
  // the access, not a knit flag (this thread runs only this worker).
  deno_permissions::set_denial_advice_for_thread(knitting_permissions::pool_denial_advice);
  tokio.block_on(async {
    let main_module = ModuleSpecifier::parse(WORKER_URL)?;
    let mut worker = setup.factory.create(WorkerRuntimeArgs {
      knitting: crate::deno_knitting::init(crate::KnittingRole::PendingWorker),
      main_module: main_module.clone(),
      permissions: knitting_permissions::container(&setup.policy)?,
      policy: setup.policy.clone(),
      task_modules: setup.task_modules.clone(),
      prepared,
      max_open_files: setup.max_open_files,
      create_params: engine_limits(
        setup.max_heap_mb.map(|mb| mb as usize * MIB),
        setup.stack_mb.map(|mb| stack_limit_here(mb as usize * MIB)),
      ),
    })?;
    let runtime = worker.js_runtime();
    if let Some(mb) = setup.max_heap_mb {
      limit_heap(runtime, lane.clone(), generation, mb);
    }
    // The lane, given to the runtime now that it exists (it may have been
    // made before the lane was).
    runtime.op_state().borrow_mut().put(KnittingWorker {
      token: new_token(),
      token_taken: false,
      lane: lane.clone(),
      generation,
      peers: setup.peers.clone(),
      init: setup.init.clone(),
    });
    lane.set_isolate(runtime.v8_isolate().thread_safe_handle());
    let interrupted = lane.interruption();
    // Resolves when the worker loop returns, i.e. when the lane closes.
    tokio::select! {
      outcome = run_main_module(runtime, &main_module) => outcome?,
      _ = interrupted.notified() => return Err("the worker was interrupted".into()),
    }
    Ok(())
  })
}

/// Load the worker's entry module and run it and the event loop until the
/// module's evaluation (the worker loop) ends.
async fn run_main_module(
  runtime: &mut deno_core::JsRuntime,
  main_module: &ModuleSpecifier,
) -> Result<(), deno_core::error::CoreError> {
  let id = runtime.load_main_es_module(main_module).await?;
  let evaluation = runtime.mod_evaluate(id);
  runtime
    .with_event_loop_promise(Box::pin(evaluation), PollEventLoopOptions::default())
    .await
}

const MIB: usize = 1 << 20;

/// Ends the worker when its heap reaches `resourceLimits.maxHeapMb`: the
/// engine calls back near the limit; the worker's JS is stopped (so the
/// lane dies, its calls reject with the reason, and the host replaces the
/// worker) and the limit raised a little so the runtime can unwind.
fn limit_heap(runtime: &mut deno_core::JsRuntime, lane: Arc<Lane>, generation: u32, max_heap_mb: u32) {
  let isolate = runtime.v8_isolate().thread_safe_handle();
  runtime.add_near_heap_limit_callback(move |current, _initial| {
    lane.interrupt_with(
      generation,
      format!(
        "the worker ran out of memory: its heap reached resourceLimits.maxHeapMb ({max_heap_mb} MB); \
         raise the limit, or pass less data per call"
      ),
    );
    isolate.terminate_execution();
    // Room to unwind; the engine stops the JS at its next instruction.
    current + 16 * MIB
  });
}
