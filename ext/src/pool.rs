//! Pools and lanes as the host sees them, and the host's ops: create a pool,
//! hand out a lane's shared memory, report a dead lane, shut down.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::sync::Mutex;
use std::thread::JoinHandle;
use std::time::Duration;
use std::time::Instant;

use deno_core::op2;
use deno_core::v8;
use deno_core::OpState;
use serde::Deserialize;

use crate::errors::KnittingError;
use crate::layout::*;
use crate::mailbox::LaneMemory;
use crate::payload::PayloadStore;
use crate::wake::Doorbell;
use crate::worker::spawn_lane;
use crate::worker::worker_lane_opt;
use crate::worker::WorkerRuntimeFactory;

pub const MAX_THREADS: u32 = 256;
/// How long shutdown lets a busy worker finish before interrupting it.
const SHUTDOWN_GRACE: Duration = Duration::from_millis(200);

/// One worker thread and the memory it shares with the host.
pub struct Lane {
  pub index: u32,
  pub memory: Arc<LaneMemory>,
  pub worker_bell: Doorbell,
  pub host_bell: Arc<Doorbell>,
  pub payloads: PayloadStore,
  failure: Mutex<Option<String>>,
  isolate: Mutex<Option<v8::IsolateHandle>>,
}

impl Lane {
  fn new(index: u32, host_bell: Arc<Doorbell>) -> Self {
    Self {
      index,
      memory: LaneMemory::new(),
      worker_bell: Doorbell::default(),
      host_bell,
      payloads: PayloadStore::default(),
      failure: Mutex::new(None),
      isolate: Mutex::new(None),
    }
  }

  pub fn is_closing(&self) -> bool {
    self.memory.load(Word::LaneState) == LANE_CLOSING
  }

  /// The worker cannot serve any more: record why and tell the host, which
  /// rejects the lane's calls.
  pub fn fail(&self, reason: String) {
    *self.failure.lock().unwrap() = Some(reason);
    self.memory.store(Word::LaneState, LANE_DEAD);
    self.host_bell.ring();
  }

  pub fn failure(&self) -> Option<String> {
    self.failure.lock().unwrap().clone()
  }

  pub fn set_isolate(&self, handle: v8::IsolateHandle) {
    *self.isolate.lock().unwrap() = Some(handle);
  }

  fn close(&self) {
    let state = self.memory.word(Word::LaneState);
    let _ = state.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |s| {
      (s != LANE_DEAD).then_some(LANE_CLOSING)
    });
    self.worker_bell.ring();
  }

  fn interrupt(&self) {
    if let Some(isolate) = self.isolate.lock().unwrap().as_ref() {
      isolate.terminate_execution();
    }
  }
}

pub struct Pool {
  pub lanes: Vec<Arc<Lane>>,
  pub host_bell: Arc<Doorbell>,
  threads: Mutex<Vec<JoinHandle<()>>>,
}

impl Pool {
  fn close(&self) {
    for lane in &self.lanes {
      lane.close();
    }
    self.host_bell.ring();
  }

  /// Close every lane and wait for the threads; a worker still busy after
  /// the grace period is interrupted, so shutdown never waits on user code.
  fn close_and_join(&self) {
    self.close();
    let threads = std::mem::take(&mut *self.threads.lock().unwrap());
    let deadline = Instant::now() + SHUTDOWN_GRACE;
    while Instant::now() < deadline && threads.iter().any(|t| !t.is_finished()) {
      std::thread::sleep(Duration::from_millis(1));
    }
    for (lane, thread) in self.lanes.iter().zip(&threads) {
      if !thread.is_finished() {
        lane.interrupt();
      }
    }
    for thread in threads {
      let _ = thread.join();
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

/// The host side's op state: the pools this runtime created.
pub struct KnittingHost {
  factory: Arc<dyn WorkerRuntimeFactory>,
  pools: HashMap<u32, Arc<Pool>>,
  next_id: u32,
}

impl KnittingHost {
  pub fn new(factory: Arc<dyn WorkerRuntimeFactory>) -> Self {
    Self {
      factory,
      pools: HashMap::new(),
      next_id: 1,
    }
  }
}

pub fn host_pool(state: &OpState, pool: u32) -> Result<Arc<Pool>, KnittingError> {
  let host = state
    .try_borrow::<KnittingHost>()
    .ok_or(KnittingError::PoolsUnavailable("this runtime is not a Knitting host"))?;
  host.pools.get(&pool).cloned().ok_or(KnittingError::UnknownPool(pool))
}

/// The lane an op acts on: inside a worker always its own lane, on the host
/// the one named.
pub fn lane_of(state: &OpState, pool: u32, lane: u32) -> Result<Arc<Lane>, KnittingError> {
  if let Some(own) = worker_lane_opt(state) {
    return Ok(own);
  }
  host_pool(state, pool)?
    .lanes
    .get(lane as usize)
    .cloned()
    .ok_or(KnittingError::UnknownLane { pool, lane })
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PoolSpec {
  pub threads: u32,
  /// Call index -> where the worker finds the function; read by js/04_worker.js.
  pub tasks: serde_json::Value,
  /// Worker tuning (spin budget); read by js/04_worker.js.
  pub worker: serde_json::Value,
}

/// Create a pool: allocate each lane's memory and start its thread. Returns
/// at once; workers boot in parallel while calls queue in the rings.
#[op2]
#[smi]
pub fn op_knitting_pool_create(state: &mut OpState, #[serde] spec: PoolSpec) -> Result<u32, KnittingError> {
  if !(1..=MAX_THREADS).contains(&spec.threads) {
    return Err(KnittingError::BadThreadCount {
      got: spec.threads,
      max: MAX_THREADS,
    });
  }
  let host = state
    .try_borrow_mut::<KnittingHost>()
    .ok_or(KnittingError::PoolsUnavailable(
      "createPool can only be called in the main thread",
    ))?;
  let host_bell = Arc::new(Doorbell::default());
  let lanes: Vec<_> = (0..spec.threads)
    .map(|i| Arc::new(Lane::new(i, host_bell.clone())))
    .collect();
  let init = Arc::new(serde_json::json!({ "tasks": spec.tasks, "worker": spec.worker }));
  let pool = Arc::new(Pool {
    lanes,
    host_bell,
    threads: Mutex::new(Vec::new()),
  });
  for lane in &pool.lanes {
    let thread = spawn_lane(lane.clone(), host.factory.clone(), init.clone())?;
    pool.threads.lock().unwrap().push(thread);
  }
  let id = host.next_id;
  host.next_id += 1;
  host.pools.insert(id, pool);
  Ok(id)
}

/// A lane's memory as a SharedArrayBuffer (the worker gets its own lane).
#[op2]
pub fn op_knitting_lane_buffer<'s>(
  scope: &mut v8::PinScope<'s, '_>,
  state: &OpState,
  #[smi] pool: u32,
  #[smi] lane: u32,
) -> Result<v8::Local<'s, v8::SharedArrayBuffer>, KnittingError> {
  let store = lane_of(state, pool, lane)?.memory.backing_store();
  Ok(v8::SharedArrayBuffer::with_backing_store(scope, &store))
}

/// Why a dead lane died ("" while it lives).
#[op2]
#[string]
pub fn op_knitting_lane_failure(state: &OpState, #[smi] pool: u32, #[smi] lane: u32) -> Result<String, KnittingError> {
  Ok(lane_of(state, pool, lane)?.failure().unwrap_or_default())
}

/// Close the pool and resolve once every worker thread has exited.
#[op2]
pub async fn op_knitting_pool_shutdown(state: Rc<RefCell<OpState>>, #[smi] pool: u32) -> Result<(), KnittingError> {
  let removed = state
    .borrow_mut()
    .try_borrow_mut::<KnittingHost>()
    .and_then(|host| host.pools.remove(&pool));
  let Some(pool) = removed else { return Ok(()) };
  tokio::task::spawn_blocking(move || pool.close_and_join()).await.ok();
  Ok(())
}
