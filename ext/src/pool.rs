//! Pools as the host sees them: its lanes, how they are made (the policy,
//! the limits), how a dead worker is replaced, and how a pool shuts down.

use std::collections::HashMap;
use std::sync::atomic::AtomicBool;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::sync::Mutex;
use std::time::Duration;
use std::time::Instant;

use deno_core::ModuleSpecifier;
use deno_permissions::PermissionsOptions;
use knitting_permissions::Policy;
use knitting_permissions::ProgramFiles;
use knitting_permissions::Resolved;
use serde::Deserialize;

use crate::errors::KnittingError;
use crate::interface::WorkerRuntimeFactory;
use crate::lane::Lane;
use crate::layout::*;
use crate::payload::PayloadLimits;
use crate::wake::Doorbell;
use crate::worker::spawn_lane;
use crate::worker::PoolInit;
use crate::worker::WorkerSetup;

/// Files a worker may hold open at once unless its pool says otherwise
/// (`resourceLimits.maxOpenFiles`); `unsafe` pools have no cap.
const DEFAULT_MAX_OPEN_FILES: u32 = 1024;
/// How long shutdown lets a busy worker finish before interrupting it.
const SHUTDOWN_GRACE: Duration = Duration::from_millis(200);
/// A lane whose worker fails this many start-ups in a row stays dead: the
/// failure is in the code (a task module that throws), not in bad luck.
const MAX_STARTUP_FAILURES: u32 = 3;

pub struct Pool {
  pub lanes: Arc<[Arc<Lane>]>,
  pub host_bell: Arc<Doorbell>,
  setup: Arc<WorkerSetup>,
  /// Set once by shutdown; no worker is started after it (held while one
  /// is, so a replacement racing a shutdown is closed with the rest).
  closed: Mutex<bool>,
}

impl Pool {
  fn start_worker(&self, lane: &Arc<Lane>) -> std::io::Result<()> {
    let generation = lane.begin_worker();
    let thread = spawn_lane(lane.clone(), self.setup.clone(), generation)?;
    lane.set_thread(thread);
    Ok(())
  }

  /// Replace a dead lane's worker; false when the lane keeps failing to
  /// start and stays dead. Blocks until the old thread has ended.
  pub fn replace_worker(&self, lane: &Arc<Lane>) -> Result<bool, KnittingError> {
    if !lane.is_dead() || lane.startup_failures() >= MAX_STARTUP_FAILURES {
      return Ok(false);
    }
    lane.end_worker();
    let closed = self.closed.lock().unwrap();
    if *closed {
      return Ok(false);
    }
    lane.prepare_for_new_worker();
    self.start_worker(lane)?;
    Ok(true)
  }

  fn close(&self) {
    *self.closed.lock().unwrap() = true;
    for lane in self.lanes.iter() {
      lane.close();
    }
    self.host_bell.ring();
  }

  /// Close every lane and wait for the threads; a worker still busy after
  /// the grace period is interrupted, so shutdown never waits on user code.
  pub fn close_and_join(&self) {
    self.close();
    let deadline = Instant::now() + SHUTDOWN_GRACE;
    while Instant::now() < deadline && self.lanes.iter().any(|lane| lane.is_running()) {
      std::thread::sleep(Duration::from_millis(1));
    }
    for lane in self.lanes.iter() {
      if lane.is_running() {
        lane.interrupt();
      }
    }
    for lane in self.lanes.iter() {
      lane.end_worker();
    }
  }
}

impl Drop for Pool {
  fn drop(&mut self) {
    // A pool dropped without shutdown (its runtime went away) still lets
    // its threads end.
    self.close();
  }
}

/// How a host runtime makes pools.
pub struct HostConfig {
  /// Builds each worker's JS runtime.
  pub factory: Arc<dyn WorkerRuntimeFactory>,
  /// What the host process itself may do (knit's flags): workers never get
  /// more than this, whatever their policy says.
  pub permissions: PermissionsOptions,
  /// The policy of pools that name none (`knit --policy`); strict if None.
  pub default_policy: Option<Policy>,
  /// The program's modules and configuration, as the host loads them: the
  /// strict policy does not let task code write them.
  pub program_files: Arc<ProgramFiles>,
}

/// The host side's op state: the pools this runtime created.
pub struct KnittingHost {
  config: HostConfig,
  pools: HashMap<u32, Arc<Pool>>,
  next_id: u32,
}

impl KnittingHost {
  pub fn new(config: HostConfig) -> Self {
    Self {
      config,
      pools: HashMap::new(),
      next_id: 1,
    }
  }

  pub fn pool(&self, id: u32) -> Result<Arc<Pool>, KnittingError> {
    self.pools.get(&id).cloned().ok_or(KnittingError::UnknownPool(id))
  }

  /// Forget pool `id` (to shut it down); also whether it was the last one.
  pub fn remove(&mut self, id: u32) -> (Option<Arc<Pool>>, bool) {
    let removed = self.pools.remove(&id);
    (removed, self.pools.is_empty())
  }

  /// Create a pool: allocate each lane's memory and start its thread.
  /// Returns at once; workers boot in parallel while calls queue in the
  /// rings.
  pub fn create(&mut self, spec: PoolSpec) -> Result<u32, KnittingError> {
    if !(1..=MAX_THREADS).contains(&spec.threads) {
      return Err(KnittingError::BadThreadCount {
        got: spec.threads,
        max: MAX_THREADS,
      });
    }
    if spec.abort_slots > MAX_ABORT_SLOTS {
      return Err(KnittingError::BadPoolOption(format!(
        "abortSignalCapacity must be at most {MAX_ABORT_SLOTS}, got {}",
        spec.abort_slots
      )));
    }
    let task_modules: Vec<ModuleSpecifier> = spec
      .modules
      .iter()
      .filter_map(|url| ModuleSpecifier::parse(url).ok())
      .collect();
    let policy = pool_policy(&self.config, &spec.permission, &task_modules)?;
    let policy_grants_everything = policy.grants_everything();
    let host_bell = Arc::new(Doorbell::default());
    let lanes: Arc<[_]> = (0..spec.threads)
      .map(|i| Arc::new(Lane::new(i, host_bell.clone(), spec.abort_slots, spec.payload_limits())))
      .collect();
    let init = Arc::new(PoolInit {
      tasks: spec.tasks,
      worker: spec.worker,
      console: policy.console,
    });
    let pool = Arc::new(Pool {
      lanes: lanes.clone(),
      host_bell,
      setup: Arc::new(WorkerSetup {
        peers: lanes,
        factory: self.config.factory.clone(),
        init,
        policy: Arc::new(policy),
        task_modules,
        max_heap_mb: spec.max_heap_mb,
        stack_mb: spec.stack_mb,
        // Task code that may not do everything gets a cap by default, so it
        // cannot take every descriptor of the process.
        max_open_files: spec
          .max_open_files
          .or((!policy_grants_everything).then_some(DEFAULT_MAX_OPEN_FILES)),
      }),
      closed: Mutex::new(false),
    });
    for lane in pool.lanes.iter() {
      pool.start_worker(lane)?;
    }
    let id = self.next_id;
    self.next_id += 1;
    self.pools.insert(id, pool);
    Ok(id)
  }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PoolSpec {
  pub threads: u32,
  /// Call index -> where the worker finds the function; read by js/08_worker.js.
  pub tasks: serde_json::Value,
  /// Worker tuning (spin, park, result batching); read by js/08_worker.js.
  pub worker: serde_json::Value,
  /// Abort-aware calls each lane can hold at once (`abortSignalCapacity`).
  pub abort_slots: u32,
  /// One value's limit (`payload.maxPayloadBytes`).
  pub max_payload_bytes: f64,
  /// Bytes in flight per lane and direction (`payload.payloadMaxByteLength`).
  pub payload_max_byte_length: f64,
  /// `payload.mode`: "growable" waits for room, "fixed" fails.
  #[serde(default)]
  pub payload_mode: String,
  /// `resourceLimits.maxHeapMb`: each worker's heap limit (None: none).
  #[serde(default)]
  pub max_heap_mb: Option<u32>,
  /// `resourceLimits.stackMb`: each worker's JS stack (None: the engine's default).
  #[serde(default)]
  pub stack_mb: Option<u32>,
  /// `resourceLimits.maxOpenFiles` (None: the default for the policy).
  #[serde(default)]
  pub max_open_files: Option<u32>,
  /// The `permission` option as given (null: the host's default policy).
  #[serde(default)]
  pub permission: serde_json::Value,
  /// URLs of the task modules and importTask modules.
  #[serde(default)]
  pub modules: Vec<String>,
}

impl PoolSpec {
  pub(crate) fn payload_limits(&self) -> PayloadLimits {
    PayloadLimits {
      max_payload_bytes: self.max_payload_bytes as usize,
      budget_bytes: self.payload_max_byte_length as usize,
      fixed: self.payload_mode == "fixed",
    }
  }
}

/// The pool's policy, resolved here and narrowed to the host's grants. A
/// policy that asks for more than the host has is told once on stderr.
fn pool_policy(
  config: &HostConfig,
  permission: &serde_json::Value,
  task_modules: &[ModuleSpecifier],
) -> Result<Resolved, KnittingError> {
  let explicit = !permission.is_null() || config.default_policy.is_some();
  let policy = match permission {
    serde_json::Value::Null => config.default_policy.clone().unwrap_or_default(),
    value => Policy::from_json(value).map_err(|e| KnittingError::BadPolicy(e.to_string()))?,
  };
  let files = task_modules.iter().filter_map(|url| url.to_file_path().ok()).collect();
  let (resolved, narrowed) =
    knitting_permissions::pool_policy(&policy, &config.permissions, files, config.program_files.list())
      .map_err(|e| KnittingError::BadPolicy(format!("cannot read the current directory: {e}")))?;
  static TOLD: AtomicBool = AtomicBool::new(false);
  if explicit && !narrowed.is_empty() && !TOLD.swap(true, Ordering::SeqCst) {
    eprintln!(
      "Knitting: a pool's permission policy asks for more than knit was given ({}); its workers get only what \
       both allow (grant more with knit's --allow-* flags)",
      narrowed.join(", ")
    );
  }
  Ok(resolved)
}
