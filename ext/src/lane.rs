//! A lane: one worker thread at a time and the memory it shares with the
//! host, which outlives its workers.
//!
//! A lane's life, worker after worker (`LaneState` in its memory):
//!
//! ```text
//!            begin_worker (generation + 1)
//!                 |
//!   STARTING --ready--> READY --close--> CLOSING --thread ends--> (joined)
//!       |                 |
//!       +----fail---------+--> DEAD --prepare_for_new_worker--> STARTING ...
//!                         |
//!              interrupt (timeout, heap limit, shutdown)
//!                         |
//!       thread ends: fail | still running after ABANDON_AFTER: abandon
//!                           (fail, generation + 1, fresh memory next)
//! ```
//!
//! Invariant: only the worker of the current generation changes the lane
//! (its death, its ops); an abandoned worker that wakes up later is ignored
//! and writes only into memory no one reads any more. Every change of state
//! is a method here; the pool, the worker thread and the ops call them.

use std::sync::atomic::AtomicBool;
use std::sync::atomic::AtomicU32;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::sync::Mutex;
use std::thread::JoinHandle;
use std::time::Duration;
use std::time::Instant;

use deno_core::v8;
use tokio::sync::Notify;

use crate::lane_memory::LaneMemory;
use crate::layout::*;
use crate::payload::PayloadLimits;
use crate::payload::PayloadStore;
use crate::wake::Doorbell;

/// How long an interrupted worker may take to end before its lane gives up
/// on the thread. An interrupt stops JS at once; a thread still running
/// after this is blocked in native code (`Atomics.wait`, a blocking read)
/// that no interrupt reaches. It is left to end whenever it does, and the
/// lane goes on without it (see [`Lane::abandon`]).
const ABANDON_AFTER: Duration = Duration::from_millis(500);
/// One worker thread and the memory it shares with the host. The memory
/// outlives workers: a replacement worker serves the same lane.
pub struct Lane {
  pub index: u32,
  /// Replaced only when a worker is abandoned (it may still write the old).
  memory: Mutex<Arc<LaneMemory>>,
  abort_slots: u32,
  /// Which worker serves the lane: bumped for each new worker and when one
  /// is abandoned, so an abandoned worker's late ops and death are ignored.
  generation: AtomicU32,
  /// The next worker needs fresh memory: the last one was abandoned.
  abandoned: AtomicBool,
  pub worker_bell: Doorbell,
  pub host_bell: Arc<Doorbell>,
  pub payloads: PayloadStore,
  failure: Mutex<Option<String>>,
  /// Why the host interrupted the worker; reported instead of "terminated".
  interrupt_reason: Mutex<Option<String>>,
  startup_failures: AtomicU32,
  isolate: Mutex<Option<v8::IsolateHandle>>,
  /// Rung to make the current worker's thread drop its runtime at once
  /// (a fresh one per worker, so no stale permit reaches the next).
  interrupted: Mutex<Arc<Notify>>,
  thread: Mutex<Option<JoinHandle<()>>>,
}

impl Lane {
  pub(crate) fn new(index: u32, host_bell: Arc<Doorbell>, abort_slots: u32, payload_limits: PayloadLimits) -> Self {
    Self {
      index,
      memory: Mutex::new(LaneMemory::new(abort_slots)),
      abort_slots,
      generation: AtomicU32::new(0),
      abandoned: AtomicBool::new(false),
      worker_bell: Doorbell::default(),
      host_bell,
      payloads: PayloadStore::new(payload_limits),
      failure: Mutex::new(None),
      interrupt_reason: Mutex::new(None),
      startup_failures: AtomicU32::new(0),
      isolate: Mutex::new(None),
      interrupted: Mutex::new(Arc::new(Notify::new())),
      thread: Mutex::new(None),
    }
  }

  /// The memory the host and the lane's current worker share.
  pub fn memory(&self) -> Arc<LaneMemory> {
    self.memory.lock().unwrap().clone()
  }

  pub fn generation(&self) -> u32 {
    self.generation.load(Ordering::SeqCst)
  }

  pub fn is_closing(&self) -> bool {
    self.memory().load(Word::LaneState) == LANE_CLOSING
  }

  pub fn is_dead(&self) -> bool {
    self.memory().load(Word::LaneState) == LANE_DEAD
  }

  /// The worker found its tasks and serves: STARTING -> READY (a lane that
  /// closed or died meanwhile stays as it is). The host starts the
  /// timeouts of calls queued here once it sees READY.
  pub fn ready(&self) {
    let _ = self.memory().word(Word::LaneState).compare_exchange(
      LANE_STARTING,
      LANE_READY,
      Ordering::SeqCst,
      Ordering::SeqCst,
    );
    self.host_bell.ring();
  }

  /// Worker `generation` cannot serve any more: record why and tell the
  /// host, which rejects the lane's calls and asks for a replacement. From
  /// a worker the lane no longer waits for, nothing happens.
  pub fn fail(&self, generation: u32, reason: String) {
    if generation != self.generation() {
      return;
    }
    let reason = self.interrupt_reason.lock().unwrap().take().unwrap_or(reason);
    let previous = self.memory().word(Word::LaneState).swap(LANE_DEAD, Ordering::SeqCst);
    let reason = if previous == LANE_STARTING {
      self.startup_failures.fetch_add(1, Ordering::SeqCst);
      format!("Worker startup failed: {reason}")
    } else {
      self.startup_failures.store(0, Ordering::SeqCst);
      reason
    };
    *self.failure.lock().unwrap() = Some(reason);
    self.host_bell.ring();
  }

  pub fn failure(&self) -> Option<String> {
    self.failure.lock().unwrap().clone()
  }

  pub fn set_isolate(&self, handle: v8::IsolateHandle) {
    *self.isolate.lock().unwrap() = Some(handle);
  }

  pub(crate) fn close(&self) {
    let memory = self.memory();
    let state = memory.word(Word::LaneState);
    let _ = state.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |s| {
      (s != LANE_DEAD).then_some(LANE_CLOSING)
    });
    self.worker_bell.ring();
  }

  /// Stop the worker's JS now and end its runtime (its event loop might
  /// otherwise idle on with the JS dead).
  pub(crate) fn interrupt(&self) {
    if let Some(isolate) = self.isolate.lock().unwrap().as_ref() {
      isolate.terminate_execution();
    }
    self.interrupted.lock().unwrap().notify_one();
  }

  /// Worker `generation` is being stopped for `reason` (its own runtime
  /// asked, e.g. out of memory): the lane dies with that reason.
  pub fn interrupt_with(&self, generation: u32, reason: String) {
    if generation == self.generation() {
      *self.interrupt_reason.lock().unwrap() = Some(reason);
      self.interrupted.lock().unwrap().notify_one();
    }
  }

  /// What the worker thread waits on besides its runtime.
  pub fn interruption(&self) -> Arc<Notify> {
    self.interrupted.lock().unwrap().clone()
  }

  /// Wait up to `limit` for the worker thread to end; false if it still
  /// runs (then it is still the lane's).
  fn join_within(&self, limit: Duration) -> bool {
    let deadline = Instant::now() + limit;
    loop {
      {
        let mut thread = self.thread.lock().unwrap();
        match thread.as_ref() {
          None => return true,
          Some(handle) if handle.is_finished() => {
            let _ = thread.take().map(JoinHandle::join);
            return true;
          }
          Some(_) => {}
        }
      }
      if Instant::now() >= deadline {
        return false;
      }
      std::thread::sleep(Duration::from_millis(1));
    }
  }

  /// Give up on worker `generation`, whose thread did not end after an
  /// interrupt: the lane dies (its calls reject, the host asks for a new
  /// worker), the thread is detached, and the next worker gets fresh
  /// memory, since the old thread may still write into this one if it ever
  /// wakes up. Its ops are refused from now on (see `worker_lane`).
  fn abandon(&self, generation: u32, reason: &str) {
    if generation != self.generation() {
      return;
    }
    self.fail(generation, reason.to_string());
    self.generation.fetch_add(1, Ordering::SeqCst);
    self.abandoned.store(true, Ordering::SeqCst);
    drop(self.thread.lock().unwrap().take());
  }

  /// Wait for the worker thread to end; abandon it if it does not in time.
  pub(crate) fn end_worker(&self) {
    let generation = self.generation();
    if !self.join_within(ABANDON_AFTER) {
      self.abandon(
        generation,
        &format!("the worker did not stop within {} ms of being interrupted (blocked in native code, e.g. Atomics.wait or a blocking read); its thread was abandoned", ABANDON_AFTER.as_millis()),
      );
    }
  }

  pub(crate) fn is_running(&self) -> bool {
    self.thread.lock().unwrap().as_ref().is_some_and(|t| !t.is_finished())
  }

  /// A new worker is about to start: its generation (the previous worker's
  /// isolate and interrupt are forgotten).
  pub(crate) fn begin_worker(&self) -> u32 {
    *self.isolate.lock().unwrap() = None;
    *self.interrupted.lock().unwrap() = Arc::new(Notify::new());
    self.generation.fetch_add(1, Ordering::SeqCst) + 1
  }

  pub(crate) fn set_thread(&self, thread: JoinHandle<()>) {
    *self.thread.lock().unwrap() = Some(thread);
  }

  /// Failed start-ups in a row.
  pub(crate) fn startup_failures(&self) -> u32 {
    self.startup_failures.load(Ordering::SeqCst)
  }

  /// The dead worker is gone: clean memory for the next one (fresh, if the
  /// last one was abandoned; the host takes it when told of the new worker).
  pub(crate) fn prepare_for_new_worker(&self) {
    self.payloads.clear();
    *self.failure.lock().unwrap() = None;
    if self.abandoned.swap(false, Ordering::SeqCst) {
      *self.memory.lock().unwrap() = LaneMemory::new(self.abort_slots);
    } else {
      self.memory().reset_for_new_worker();
    }
  }

  /// Stop the worker for `reason` (a task past its timeout), and watch that
  /// it ends: one blocked in native code never sees the interrupt, so it is
  /// abandoned and the lane serves again.
  pub fn interrupt_for(self: &Arc<Self>, reason: String) -> std::io::Result<()> {
    *self.interrupt_reason.lock().unwrap() = Some(reason);
    self.interrupt();
    let lane = self.clone();
    std::thread::Builder::new()
      .name("knit-watchdog".into())
      .spawn(move || lane.end_worker())
      .map(drop)
  }
}
