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

use tokio::sync::Notify;

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
