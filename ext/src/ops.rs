//! Every op of the extension, and who may call it. Host ops act on the
//! pools of the runtime that created them ([`host_pool`]); worker ops act
//! on the worker's own lane and require the worker loop's token
//! ([`worker_lane`]), which task code never sees; lane ops serve both sides
//! ([`lane_of`]). The model they call lives in `pool.rs`, `lane.rs`,
//! `worker.rs` and `payload.rs`.

use std::cell::RefCell;
use std::rc::Rc;
use std::sync::Arc;
use std::time::Duration;

use deno_core::op2;
use deno_core::v8;
use deno_core::OpState;

use crate::buffers;
use crate::errors::KnittingError;
use crate::lane::Lane;
use crate::layout::JsLayout;
use crate::pool::KnittingHost;
use crate::pool::Pool;
use crate::pool::PoolSpec;
use crate::worker::KnittingWorker;
use crate::worker::PoolInit;
use crate::worker::WorkerInit;

// Who may call: the guards every op goes through.

/// Pool `pool` of this runtime, which must be a Knitting host.
fn host_pool(state: &OpState, pool: u32) -> Result<Arc<Pool>, KnittingError> {
  state
    .try_borrow::<KnittingHost>()
    .ok_or(KnittingError::PoolsUnavailable("this runtime is not a Knitting host"))?
    .pool(pool)
}

/// The worker's own lane, for the holder of the token only.
fn worker_lane(state: &OpState, token: u32) -> Result<Arc<Lane>, KnittingError> {
  let worker = state.try_borrow::<KnittingWorker>().ok_or(KnittingError::NotAWorker)?;
  if !worker.owns_lane(token) {
    return Err(KnittingError::Refused);
  }
  Ok(worker.lane.clone())
}

/// Lane `lane` as a lane op sees it. `owner` names whose it is: on the host
/// the pool's id, inside a worker the worker loop's token (a worker reaches
/// the lanes of its own pool only, to steal work).
fn lane_of(state: &OpState, owner: u32, lane: u32) -> Result<Arc<Lane>, KnittingError> {
  if let Some(worker) = state.try_borrow::<KnittingWorker>() {
    if !worker.owns_lane(owner) {
      return Err(KnittingError::Refused);
    }
    return worker
      .peers
      .get(lane as usize)
      .cloned()
      .ok_or(KnittingError::UnknownLane { pool: 0, lane });
  }
  host_pool(state, owner)?
    .lanes
    .get(lane as usize)
    .cloned()
    .ok_or(KnittingError::UnknownLane { pool: owner, lane })
}

// Either side, no lane: the layout, the clock, scheduling.

/// The layout, for the JS side of the protocol.
#[op2]
#[serde]
pub fn op_knitting_layout() -> JsLayout {
  JsLayout::new()
}

/// Either side: the clock of spins, steals and `pool.stats()`, in
/// milliseconds (fractional) since the process first read it. Knitting's
/// own, so a runtime without Web APIs (no `performance`) runs pools too.
#[op2(fast)]
pub fn op_knitting_now() -> f64 {
  static ORIGIN: std::sync::OnceLock<std::time::Instant> = std::sync::OnceLock::new();
  ORIGIN.get_or_init(std::time::Instant::now).elapsed().as_secs_f64() * 1000.0
}

/// Either side: let the event loop run timers and I/O once, then continue.
#[op2(async(deferred), fast)]
pub async fn op_knitting_turn_event_loop() {}

/// Either side, while spinning: give the core to another runnable thread if
/// there is one. With more busy threads than cores, a spinner that never
/// yields keeps the very thread it waits for off the CPU for a time slice.
#[op2(fast)]
pub fn op_knitting_yield_thread() {
  std::thread::yield_now();
}

// Host.

/// Create a pool (see `KnittingHost::create`); its id.
#[op2]
#[smi]
pub fn op_knitting_pool_create(state: &mut OpState, #[serde] spec: PoolSpec) -> Result<u32, KnittingError> {
  state
    .try_borrow_mut::<KnittingHost>()
    .ok_or(KnittingError::PoolsUnavailable(
      "createPool can only be called in the main thread",
    ))?
    .create(spec)
}

/// Close the pool and resolve once every worker thread has exited.
#[op2]
pub async fn op_knitting_pool_shutdown(state: Rc<RefCell<OpState>>, #[smi] pool: u32) -> Result<(), KnittingError> {
  let (removed, last) = match state.borrow_mut().try_borrow_mut::<KnittingHost>() {
    Some(host) => host.remove(pool),
    None => (None, false),
  };
  let Some(pool) = removed else { return Ok(()) };
  tokio::task::spawn_blocking(move || pool.close_and_join()).await.ok();
  if last {
    buffers::release_all();
  }
  Ok(())
}

/// Replace the dead worker of a lane (after the host rejected its calls).
/// Resolves true once the new worker's thread runs, false when the lane
/// keeps failing to start and stays dead.
#[op2]
pub async fn op_knitting_lane_respawn(
  state: Rc<RefCell<OpState>>,
  #[smi] pool: u32,
  #[smi] lane: u32,
) -> Result<bool, KnittingError> {
  let pool = host_pool(&state.borrow(), pool)?;
  let lane = pool
    .lanes
    .get(lane as usize)
    .cloned()
    .ok_or(KnittingError::UnknownLane { pool: 0, lane })?;
  tokio::task::spawn_blocking(move || pool.replace_worker(&lane))
    .await
    .unwrap_or(Ok(false))
}

/// Stop whatever the lane's worker is running (a task past its timeout);
/// the lane then dies with `reason` and the host replaces its worker.
#[op2(fast)]
pub fn op_knitting_lane_interrupt(
  state: &OpState,
  #[smi] pool: u32,
  #[smi] lane: u32,
  #[string] reason: &str,
) -> Result<(), KnittingError> {
  lane_of(state, pool, lane)?
    .interrupt_for(reason.to_string())
    .map_err(KnittingError::Spawn)
}

/// Why a dead lane died ("" while it lives).
#[op2]
#[string]
pub fn op_knitting_lane_failure(state: &OpState, #[smi] pool: u32, #[smi] lane: u32) -> Result<String, KnittingError> {
  Ok(lane_of(state, pool, lane)?.failure().unwrap_or_default())
}

// Host: wake a parked worker (the host already won the PARKED->RUNNING CAS).
#[op2(fast)]
pub fn op_knitting_wake_worker(state: &mut OpState, #[smi] pool: u32, #[smi] lane: u32) -> Result<(), KnittingError> {
  lane_of(state, pool, lane)?.worker_bell.ring();
  Ok(())
}

/// Host: park until a worker of this pool rings (a response, freed request
/// slots, a lane that died, or shutdown).
#[op2]
pub async fn op_knitting_host_park(state: Rc<RefCell<OpState>>, #[smi] pool: u32) -> Result<(), KnittingError> {
  let bell = host_pool(&state.borrow(), pool)?.host_bell.clone();
  bell.wait().await;
  Ok(())
}

/// `KNITTING_DEBUG` ("" when unset), for the host, whose own permissions
/// may deny `Deno.env`. Workers get their namespaces from the host, so task
/// code cannot read the variable through this op.
#[op2]
#[string]
pub fn op_knitting_debug_env(state: &OpState) -> String {
  if !state.has::<KnittingHost>() {
    return String::new();
  }
  std::env::var("KNITTING_DEBUG").unwrap_or_default()
}

// Worker.

/// What the worker loop needs to start: its task table, tuning and token.
/// Once: later calls (task code) are refused.
#[op2]
#[serde]
pub fn op_knitting_worker_init(state: &mut OpState) -> Result<WorkerInit, KnittingError> {
  let worker = state
    .try_borrow_mut::<KnittingWorker>()
    .ok_or(KnittingError::NotAWorker)?;
  if std::mem::replace(&mut worker.token_taken, true) {
    return Err(KnittingError::Refused);
  }
  Ok(WorkerInit {
    pool: PoolInit::clone(&worker.init),
    lane: worker.lane.index,
    token: worker.token,
  })
}

/// The worker found its tasks and serves.
#[op2(fast)]
pub fn op_knitting_worker_ready(state: &mut OpState, #[smi] token: u32) -> Result<(), KnittingError> {
  worker_lane(state, token)?.ready();
  Ok(())
}

/// `isMain` is false inside pool workers.
#[op2(fast)]
pub fn op_knitting_is_worker(state: &OpState) -> bool {
  state.has::<KnittingWorker>()
}

/// Worker: park until the host rings, or at most `timeout_ms`
/// (`worker.timers.parkMs`; not finite = no limit).
#[op2]
pub async fn op_knitting_worker_park(
  state: Rc<RefCell<OpState>>,
  #[smi] token: u32,
  timeout_ms: f64,
) -> Result<(), KnittingError> {
  let lane = worker_lane(&state.borrow(), token)?;
  if timeout_ms.is_finite() && timeout_ms >= 0.0 {
    let _ = tokio::time::timeout(Duration::from_secs_f64(timeout_ms / 1000.0), lane.worker_bell.wait()).await;
  } else {
    lane.worker_bell.wait().await;
  }
  Ok(())
}

/// Worker: wake the host (the worker already won the HostParked 1->0 CAS).
#[op2(fast)]
pub fn op_knitting_wake_host(state: &mut OpState, #[smi] token: u32) -> Result<(), KnittingError> {
  worker_lane(state, token)?.host_bell.ring();
  Ok(())
}

// Lanes, from either side.

// A lane's memory as a SharedArrayBuffer (the worker gets its own lane).
#[op2]
pub fn op_knitting_lane_buffer<'s>(
  scope: &mut v8::PinScope<'s, '_>,
  state: &OpState,
  #[smi] pool: u32,
  #[smi] lane: u32,
) -> Result<v8::Local<'s, v8::SharedArrayBuffer>, KnittingError> {
  let store = lane_of(state, pool, lane)?.memory().backing_store();
  Ok(v8::SharedArrayBuffer::with_backing_store(scope, &store))
}

/// Handle as JS sees it: -1 asks the caller to hold the value back.
fn js_handle(handle: Option<u32>) -> i32 {
  handle.map_or(-1, |h| h as i32)
}

/// Copy bytes into the lane's payload store; the slot carries the handle.
#[op2(fast)]
pub fn op_knitting_put_bytes(
  state: &mut OpState,
  #[smi] pool: u32,
  #[smi] lane: u32,
  #[buffer] bytes: &[u8],
) -> Result<i32, KnittingError> {
  let payloads = &lane_of(state, pool, lane)?.payloads;
  // Before the copy (`put` checks again): a value over the limit is never copied.
  payloads.check_size(bytes.len())?;
  Ok(js_handle(payloads.put(buffers::copy_of(bytes))?))
}

/// Hand the payload to JS as a `Uint8Array` over the very buffer the
/// producer filled.
#[op2]
pub fn op_knitting_take_bytes<'s>(
  scope: &mut v8::PinScope<'s, '_>,
  state: &OpState,
  #[smi] pool: u32,
  #[smi] lane: u32,
  #[smi] handle: u32,
) -> Result<v8::Local<'s, v8::Uint8Array>, KnittingError> {
  let bytes = lane_of(state, pool, lane)?.payloads.take(handle)?;
  let length = bytes.len();
  let buffer = v8::ArrayBuffer::with_backing_store(scope, &buffers::into_backing_store(bytes));
  Ok(v8::Uint8Array::new(scope, buffer, 0, length).expect("a Uint8Array over a whole ArrayBuffer"))
}

/// A debug line to stderr (not through `console`, which a policy may
/// silence); in a worker only for the worker loop (its token).
#[op2(fast)]
pub fn op_knitting_debug_print(state: &OpState, #[smi] token: u32, #[string] line: &str) -> Result<(), KnittingError> {
  if let Some(worker) = state.try_borrow::<KnittingWorker>() {
    if worker.token != token {
      return Err(KnittingError::Refused);
    }
  }
  eprintln!("{line}");
  Ok(())
}
