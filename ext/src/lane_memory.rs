//! One lane's shared memory and the ring protocol that moves calls through it.
//!
//! The memory is allocated here, in Rust, and handed to both isolates as a
//! `SharedArrayBuffer` over the same bytes. The protocol runs in JS
//! (`js/01_lane.js`, for host and worker alike) against the same layout;
//! `model` below is a test-only Rust model of it. See `js/PROTOCOL.md`.
//!
//! Ring protocol (single producer, single consumer, per direction):
//! - `tail` counts slots published (only the producer writes it),
//!   `head` counts slots consumed (only the consumer writes it). Both are u32
//!   counters that wrap; slot `n` lives at `n & (SLOTS - 1)`.
//! - The producer owns slots `tail .. head + SLOTS`; the consumer owns
//!   `head .. tail`. `tail - head` (wrapping) is the number in flight, never
//!   more than `SLOTS`.
//! - Publish = write the slot bytes, then store `tail + k` (SeqCst). Release =
//!   copy what you need out of the slots, then store `head + k` (SeqCst).
//!   A slot is therefore written only by its owner, and ownership moves only
//!   through those two stores.

use std::sync::atomic::AtomicU32;
use std::sync::atomic::AtomicU64;
use std::sync::atomic::Ordering;
use std::sync::Arc;

use deno_core::v8;

use crate::layout::*;

/// The bytes of one lane, 8-byte aligned, shared by the host isolate, the
/// worker isolate and Rust.
pub struct LaneMemory {
  words: Box<[AtomicU64]>,
  abort_slots: u32,
}

// SAFETY: the memory is only accessed through atomics or through the ring
// protocol, whose ownership rules make every plain access exclusive.
unsafe impl Send for LaneMemory {}
unsafe impl Sync for LaneMemory {}

impl LaneMemory {
  /// A zeroed lane whose abort bitmap has `abort_slots` bits.
  pub fn new(abort_slots: u32) -> Arc<Self> {
    let words = (0..lane_bytes(abort_slots) / 8).map(|_| AtomicU64::new(0)).collect();
    Arc::new(Self { words, abort_slots })
  }

  pub fn byte_len(&self) -> usize {
    self.words.len() * 8
  }

  /// Make the lane ready for a new worker: what the dead one left in the
  /// rings is dropped (the host rejected those calls), counters keep
  /// counting (so no stale view can mistake old slots for new ones), and
  /// every abort bit is cleared.
  pub fn reset_for_new_worker(&self) {
    self.store(Word::ReqHead, self.load(Word::ReqTail));
    self.store(Word::ResTail, self.load(Word::ResHead));
    for word in [
      Word::WorkerState,
      Word::HostParked,
      Word::ReqBacklog,
      Word::ResBacklog,
      Word::Running,
    ] {
      self.store(word, 0);
    }
    let first = ABORT_BITMAP_OFFSET / 8;
    for word in &self.words[first..first + (self.abort_slots as usize).div_ceil(64)] {
      word.store(0, Ordering::SeqCst);
    }
    self.store(Word::LaneState, LANE_STARTING);
  }

  fn base(&self) -> *mut u8 {
    self.words.as_ptr() as *mut u8
  }

  pub fn word(&self, word: Word) -> &AtomicU32 {
    // SAFETY: in bounds (CONTROL_BYTES < lane_bytes(0)) and 4-byte aligned.
    unsafe { &*(self.base().add(word.byte_offset()) as *const AtomicU32) }
  }

  pub fn load(&self, word: Word) -> u32 {
    self.word(word).load(Ordering::SeqCst)
  }

  pub fn store(&self, word: Word, value: u32) {
    self.word(word).store(value, Ordering::SeqCst)
  }

  /// A backing store over these bytes that keeps `self` alive for as long as
  /// any isolate holds the `SharedArrayBuffer`.
  pub fn backing_store(self: &Arc<Self>) -> v8::SharedRef<v8::BackingStore> {
    unsafe extern "C" fn release(_data: *mut std::ffi::c_void, _len: usize, owner: *mut std::ffi::c_void) {
      // SAFETY: `owner` came from `Arc::into_raw` below, once per store.
      drop(unsafe { Arc::from_raw(owner as *const LaneMemory) });
    }
    let owner = Arc::into_raw(self.clone()) as *mut std::ffi::c_void;
    // SAFETY: the pointer stays valid until `release` drops the Arc.
    unsafe { v8::SharedArrayBuffer::new_backing_store_from_ptr(self.base() as *mut _, self.byte_len(), release, owner) }
      .make_shared()
  }
}

/// The ring protocol in Rust, a model of what `js/01_lane.js` does (the one
/// implementation that runs): the tests below check claim, release,
/// wrap-around, a full ring and two threads against it.
#[cfg(test)]
mod model {
  use super::*;

  /// Which ring of a lane.
  #[derive(Clone, Copy, Debug, PartialEq, Eq)]
  pub enum Direction {
    Request,
    Response,
  }

  impl Direction {
    fn words(self) -> (Word, Word) {
      match self {
        Direction::Request => (Word::ReqHead, Word::ReqTail),
        Direction::Response => (Word::ResHead, Word::ResTail),
      }
    }

    fn ring_offset(self) -> usize {
      match self {
        Direction::Request => REQ_RING_OFFSET,
        Direction::Response => RES_RING_OFFSET,
      }
    }
  }

  /// A view of one ring of a lane, as the producer or the consumer sees it.
  pub struct Ring<'a> {
    memory: &'a LaneMemory,
    direction: Direction,
  }

  /// A slot as plain values, for Rust-side producers and consumers.
  #[derive(Clone, Debug, PartialEq)]
  pub struct Frame {
    pub call_id: u32,
    pub fn_or_status: u32,
    pub tag: u32,
    pub number: f64,
    pub inline: Vec<u8>,
  }

  impl<'a> Ring<'a> {
    pub fn new(memory: &'a LaneMemory, direction: Direction) -> Self {
      Self { memory, direction }
    }

    fn head_tail(&self) -> (u32, u32) {
      let (head, tail) = self.direction.words();
      (self.memory.load(head), self.memory.load(tail))
    }

    /// Slots in flight (published, not yet released).
    pub fn len(&self) -> u32 {
      let (head, tail) = self.head_tail();
      tail.wrapping_sub(head)
    }

    pub fn is_empty(&self) -> bool {
      self.len() == 0
    }

    /// Free slots the producer may claim.
    pub fn free(&self) -> u32 {
      SLOTS - self.len()
    }

    fn slot_ptr(&self, counter: u32) -> *mut u8 {
      let index = (counter & (SLOTS - 1)) as usize;
      // SAFETY: index < SLOTS, so the slot is inside the lane.
      unsafe {
        self
          .memory
          .base()
          .add(self.direction.ring_offset() + index * SLOT_BYTES)
      }
    }

    /// Producer: write `frames` into free slots and publish them with one
    /// store. Returns how many fitted; the rest must wait (back-pressure).
    pub fn publish(&self, frames: &[Frame]) -> usize {
      let (_, tail_word) = self.direction.words();
      let (_, tail) = self.head_tail();
      let count = frames.len().min(self.free() as usize);
      for (i, frame) in frames[..count].iter().enumerate() {
        assert!(frame.inline.len() <= INLINE_BYTES, "frame too big for a slot");
        let slot = self.slot_ptr(tail.wrapping_add(i as u32));
        // SAFETY: the producer owns slots from `tail` until it publishes them.
        unsafe {
          (slot.add(SLOT_CALL_ID) as *mut u32).write(frame.call_id);
          (slot.add(SLOT_FN_OR_STATUS) as *mut u32).write(frame.fn_or_status);
          (slot.add(SLOT_TAG) as *mut u32).write(frame.tag);
          (slot.add(SLOT_LEN) as *mut u32).write(frame.inline.len() as u32);
          (slot.add(SLOT_NUMBER) as *mut f64).write(frame.number);
          std::ptr::copy_nonoverlapping(frame.inline.as_ptr(), slot.add(SLOT_INLINE), frame.inline.len());
        }
      }
      if count > 0 {
        self.memory.store(tail_word, tail.wrapping_add(count as u32));
      }
      count
    }

    /// Consumer: copy out up to `max` published frames and release their slots.
    pub fn consume(&self, max: usize) -> Vec<Frame> {
      let (head_word, _) = self.direction.words();
      let (head, tail) = self.head_tail();
      let count = (tail.wrapping_sub(head) as usize).min(max);
      let mut frames = Vec::with_capacity(count);
      for i in 0..count {
        let slot = self.slot_ptr(head.wrapping_add(i as u32));
        // SAFETY: the consumer owns slots `head .. tail` until it releases them.
        unsafe {
          let len = (slot.add(SLOT_LEN) as *const u32).read() as usize;
          let mut inline = vec![0; len.min(INLINE_BYTES)];
          std::ptr::copy_nonoverlapping(slot.add(SLOT_INLINE), inline.as_mut_ptr(), inline.len());
          frames.push(Frame {
            call_id: (slot.add(SLOT_CALL_ID) as *const u32).read(),
            fn_or_status: (slot.add(SLOT_FN_OR_STATUS) as *const u32).read(),
            tag: (slot.add(SLOT_TAG) as *const u32).read(),
            number: (slot.add(SLOT_NUMBER) as *const f64).read(),
            inline,
          });
        }
      }
      if count > 0 {
        self.memory.store(head_word, head.wrapping_add(count as u32));
      }
      frames
    }
  }
}

#[cfg(test)]
mod tests {
  use super::model::*;
  use super::*;

  fn frame(id: u32) -> Frame {
    Frame {
      call_id: id,
      fn_or_status: id % 7,
      tag: 6,
      number: id as f64 * 0.5,
      inline: id.to_le_bytes().to_vec(),
    }
  }

  #[test]
  fn claim_publish_and_release_round_trip() {
    let memory = LaneMemory::new(0);
    let ring = Ring::new(&memory, Direction::Request);
    assert!(ring.is_empty());
    assert_eq!(ring.publish(&[frame(1), frame(2)]), 2);
    assert_eq!(ring.len(), 2);
    assert_eq!(ring.consume(8), vec![frame(1), frame(2)]);
    assert!(ring.is_empty());
    assert_eq!(ring.free(), SLOTS);
  }

  #[test]
  fn directions_do_not_share_slots() {
    let memory = LaneMemory::new(0);
    Ring::new(&memory, Direction::Request).publish(&[frame(1)]);
    Ring::new(&memory, Direction::Response).publish(&[frame(2)]);
    assert_eq!(Ring::new(&memory, Direction::Response).consume(8), vec![frame(2)]);
    assert_eq!(Ring::new(&memory, Direction::Request).consume(8), vec![frame(1)]);
  }

  #[test]
  fn full_ring_refuses_more_until_released() {
    let memory = LaneMemory::new(0);
    let ring = Ring::new(&memory, Direction::Response);
    let frames: Vec<_> = (0..SLOTS + 5).map(frame).collect();
    assert_eq!(ring.publish(&frames), SLOTS as usize);
    assert_eq!(ring.free(), 0);
    assert_eq!(ring.publish(&frames[SLOTS as usize..]), 0, "a full ring takes nothing");
    assert_eq!(ring.consume(3), frames[..3].to_vec());
    assert_eq!(ring.publish(&frames[SLOTS as usize..]), 3, "released slots are reused");
    let rest = ring.consume(usize::MAX);
    assert_eq!(rest.len(), SLOTS as usize);
    assert_eq!(rest[0], frames[3]);
    assert_eq!(rest.last().unwrap(), &frames[SLOTS as usize + 2]);
  }

  #[test]
  fn counters_wrap_around_u32() {
    let memory = LaneMemory::new(0);
    // Start just below the u32 boundary so the ring crosses it.
    memory.store(Word::ReqHead, u32::MAX - 10);
    memory.store(Word::ReqTail, u32::MAX - 10);
    let ring = Ring::new(&memory, Direction::Request);
    for round in 0..4u32 {
      let frames: Vec<_> = (0..40).map(|i| frame(round * 100 + i)).collect();
      assert_eq!(ring.publish(&frames), 40);
      assert_eq!(ring.len(), 40);
      assert_eq!(ring.consume(usize::MAX), frames);
    }
    assert!(memory.load(Word::ReqTail) < 200, "tail wrapped past zero");
  }

  #[test]
  fn reset_for_a_new_worker_drops_unread_frames_and_keeps_counting() {
    let memory = LaneMemory::new(100);
    let requests = Ring::new(&memory, Direction::Request);
    let responses = Ring::new(&memory, Direction::Response);
    assert_eq!(requests.publish(&[frame(1), frame(2), frame(3)]), 3);
    assert_eq!(requests.consume(1).len(), 1);
    assert_eq!(responses.publish(&[frame(9)]), 1);
    let bitmap = ABORT_BITMAP_OFFSET / 8;
    memory.words[bitmap + 1].store(u64::MAX, Ordering::SeqCst);
    memory.store(Word::LaneState, LANE_DEAD);
    memory.reset_for_new_worker();
    assert!(requests.is_empty(), "requests the dead worker never took are dropped");
    assert!(responses.is_empty());
    assert_eq!(memory.load(Word::ReqTail), 3, "counters keep counting");
    assert_eq!(memory.load(Word::LaneState), LANE_STARTING);
    assert_eq!(memory.words[bitmap + 1].load(Ordering::SeqCst), 0, "abort bits cleared");
    assert_eq!(memory.byte_len(), lane_bytes(100));
  }

  #[test]
  fn two_threads_deliver_every_frame_once_in_order() {
    let memory = LaneMemory::new(0);
    let total = 200_000u32;
    let producer_memory = memory.clone();
    let producer = std::thread::spawn(move || {
      let ring = Ring::new(&producer_memory, Direction::Request);
      let mut next = 0;
      while next < total {
        let batch: Vec<_> = (next..(next + 7).min(total)).map(frame).collect();
        next += ring.publish(&batch) as u32;
        std::hint::spin_loop();
      }
    });
    let ring = Ring::new(&memory, Direction::Request);
    let mut expected = 0;
    while expected < total {
      for got in ring.consume(13) {
        assert_eq!(got, frame(expected));
        expected += 1;
      }
    }
    producer.join().unwrap();
    assert!(ring.is_empty());
  }
}
