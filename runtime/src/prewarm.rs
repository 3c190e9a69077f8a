//! Runtimes made ahead of time. Building a worker's runtime from the startup
//! snapshot costs ~13-25 ms of CPU; the host starts a few such threads as
//! soon as its program imports Knitting (while the rest of the program
//! loads), so `createPool` finds runtimes that only need configuring
//! (~1 ms). A thread whose runtime is ready is handed out first; one still
//! making it is next best (it started before a fresh thread would). Each
//! one taken is replaced a little later, so the replacement does not compete
//! for the cores with the pool that is starting. One runtime per OS thread
//! for the thread's whole life: a pre-warmed thread becomes the lane's thread.

use std::sync::atomic::AtomicBool;
use std::sync::atomic::Ordering;
use std::sync::mpsc;
use std::sync::Arc;
use std::sync::Mutex;
use std::sync::OnceLock;
use std::time::Duration;

use deno_knitting::KnittingRole;
use deno_knitting::Warm;
use deno_knitting::WarmJob;
use deno_knitting::WarmThread;
use deno_runtime::worker::UnconfiguredRuntime;
use deno_runtime::worker::UnconfiguredRuntimeOptions;

use crate::services::shared_array_buffer_store;
use crate::services::NpmChecker;
use crate::services::NpmResolver;
use crate::services::Sys;
use crate::snapshot::RuntimeSnapshot;

/// A pre-warmed thread, waiting for its job; `warm` once its runtime is made.
struct Ready {
  thread: WarmThread,
  warm: Arc<AtomicBool>,
}

/// How long a replacement waits before making its runtime.
const REFILL_DELAY: Duration = Duration::from_millis(100);

struct Config {
  snapshot: &'static RuntimeSnapshot,
  count: usize,
}

static CONFIG: OnceLock<Config> = OnceLock::new();
static FIRED: AtomicBool = AtomicBool::new(false);
static STASH: Mutex<Vec<Ready>> = Mutex::new(Vec::new());

/// Allow pre-warming `count` runtimes from `snapshot` (the host, once).
pub fn arm(snapshot: &'static RuntimeSnapshot, count: usize) {
  let _ = CONFIG.set(Config { snapshot, count });
}

/// Start pre-warming, once per process, if armed.
pub fn fire() {
  let Some(config) = CONFIG.get() else { return };
  if FIRED.swap(true, Ordering::SeqCst) {
    return;
  }
  for _ in 0..config.count {
    spawn_one(config.snapshot, Duration::ZERO);
  }
}

/// A pre-warmed thread for a lane (one whose runtime is ready first), if
/// any; a replacement starts a little later.
pub fn take() -> Option<WarmThread> {
  let ready = {
    let mut stash = STASH.lock().unwrap();
    let at = stash
      .iter()
      .position(|r| r.warm.load(Ordering::SeqCst))
      .or((!stash.is_empty()).then_some(0))?;
    stash.swap_remove(at)
  };
  if let Some(config) = CONFIG.get() {
    spawn_one(config.snapshot, REFILL_DELAY);
  }
  Some(ready.thread)
}

fn spawn_one(snapshot: &'static RuntimeSnapshot, delay: Duration) {
  let (jobs, waiting) = mpsc::channel::<WarmJob>();
  let warm_flag = Arc::new(AtomicBool::new(false));
  let done = warm_flag.clone();
  let thread = std::thread::Builder::new().name("knit-prewarm".into()).spawn(move || {
    std::thread::sleep(delay);
    let warm = tokio::runtime::Builder::new_current_thread()
      .enable_all()
      .build()
      .ok()
      .map(|tokio| {
        let runtime = {
          let _context = tokio.enter();
          UnconfiguredRuntime::new::<NpmChecker, NpmResolver, Sys>(UnconfiguredRuntimeOptions {
            startup_snapshot: snapshot.blob,
            residual_lazy_js_sources: snapshot.residual_js,
            residual_lazy_esm_sources: snapshot.residual_esm,
            create_params: None,
            shared_array_buffer_store: Some(shared_array_buffer_store()),
            compiled_wasm_module_store: None,
            // Made for a pool worker: confined like one.
            additional_extensions: vec![crate::confine::confined(deno_knitting::deno_knitting::init(
              KnittingRole::PendingWorker,
            ))],
          })
        };
        Warm {
          tokio,
          prepared: Some(Box::new(runtime)),
        }
      });
    done.store(true, Ordering::SeqCst);
    // Waits for a lane for as long as the process lives.
    if let Ok(job) = waiting.recv() {
      job(warm);
    }
  });
  if let Ok(thread) = thread {
    STASH.lock().unwrap().push(Ready {
      thread: WarmThread { thread, jobs },
      warm: warm_flag,
    });
  }
}
