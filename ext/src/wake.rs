//! Waking the other side of a lane. Each side parks on a [`Doorbell`]
//! (a tokio `Notify`, so a parked isolate keeps running its event loop), and
//! the other side rings it only after it has seen, in shared memory, that
//! the sleeper committed to parking. The full state machine, with the proof
//! that no wake-up is lost, is in `js/PROTOCOL.md`; in short, for the worker:
//!
//! ```text
//!            request seen                      spin budget spent,
//!   RUNNING <------------- SPINNING <---------- no request
//!     ^                                            |
//!     |  host CAS PARKED->RUNNING + ring            v store PARKED (SeqCst),
//!     +------------------------------------- PARKED   re-check ReqTail, await bell
//! ```
//!
//! The host parks the same way on its pool's bell, with `HostParked` as the
//! flag the workers check after publishing a response.

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use deno_core::op2;
use deno_core::OpState;
use tokio::sync::Notify;

use crate::errors::KnittingError;
use crate::pool::host_pool;
use crate::pool::lane_of;
use crate::worker::worker_lane;

/// One permit-holding wake-up: a ring before the wait is not lost.
#[derive(Default)]
pub struct Doorbell {
  notify: Notify,
}

impl Doorbell {
  pub fn ring(&self) {
    self.notify.notify_one();
  }

  pub async fn wait(&self) {
    self.notify.notified().await;
  }
}

/// Host: wake a parked worker (the host already won the PARKED->RUNNING CAS).
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
