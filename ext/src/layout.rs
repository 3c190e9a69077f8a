//! Byte layout of one lane's shared memory. Rust is the single source of
//! truth: the JS side reads these numbers through `op_knitting_layout`.
//!
//! ```text
//! 0      control words, one 64-byte cache line each (see `Word`)
//! 512    request ring:  SLOTS x SLOT_BYTES   (host produces, worker consumes)
//! 16896  response ring: SLOTS x SLOT_BYTES   (worker produces, host consumes)
//! 33280  abort bitmap:  one bit per abort signal slot (host sets, worker reads)
//! ```

use serde::Serialize;

pub const CACHE_LINE: usize = 64;
/// Slots per ring. A power of two, so `counter & (SLOTS - 1)` picks the slot
/// and the u32 counters may wrap freely.
pub const SLOTS: u32 = 64;
/// Workers per pool.
pub const MAX_THREADS: u32 = 256;
/// Abort slots per lane: the request word holds the slot + 1 in 15 bits
/// (`packRequest` in js/01_lane.js), under the flag of a timed call.
pub const MAX_ABORT_SLOTS: u32 = 0x7fff - 1;
pub const SLOT_BYTES: usize = 256;

/// Slot header, in bytes from the slot start.
pub const SLOT_CALL_ID: usize = 0; // u32: host's correlation id
pub const SLOT_FN_OR_STATUS: usize = 4; // u32: task index | (abort slot + 1) << 16 (request) / `STATUS_*` (response)
pub const SLOT_TAG: usize = 8; // u32: payload tag (js/02_codec.js)
pub const SLOT_LEN: usize = 12; // u32: payload byte length
pub const SLOT_NUMBER: usize = 16; // f64: inline number, or a payload-buffer handle
pub const SLOT_INLINE: usize = 24; // inline payload bytes up to the slot end
pub const INLINE_BYTES: usize = SLOT_BYTES - SLOT_INLINE;

/// Control words; each sits alone on its cache line so the two threads do
/// not false-share. The value is the line index.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Word {
  /// Requests published (host writes).
  ReqTail = 0,
  /// Requests consumed (worker writes).
  ReqHead = 1,
  /// Responses published (worker writes).
  ResTail = 2,
  /// Responses consumed (host writes).
  ResHead = 3,
  /// `WORKER_RUNNING` or `WORKER_PARKED` (worker writes; host CASes PARKED -> RUNNING when it wakes it).
  WorkerState = 4,
  /// 1 while the host is about to park or parked (host sets, worker clears when it rings the host).
  HostParked = 5,
  /// `LANE_*` lifecycle (Rust writes DEAD/CLOSING, worker writes READY).
  LaneState = 6,
  /// 1 while the host holds calls it could not fit into the request ring.
  ReqBacklog = 7,
  /// 1 while the worker holds replies it could not fit into the response ring.
  ResBacklog = 8,
  /// Call id + 1 of the task the worker is running synchronously, 0 between
  /// tasks (worker writes); a timed-out call still here is interrupted.
  Running = 9,
}

pub const CONTROL_WORDS: usize = 10;
pub const CONTROL_BYTES: usize = 1024; // CONTROL_WORDS lines, rounded up
pub const REQ_RING_OFFSET: usize = CONTROL_BYTES;
pub const RES_RING_OFFSET: usize = REQ_RING_OFFSET + SLOTS as usize * SLOT_BYTES;
pub const ABORT_BITMAP_OFFSET: usize = RES_RING_OFFSET + SLOTS as usize * SLOT_BYTES;

/// Bytes of a lane whose abort bitmap holds `abort_slots` bits (8-aligned).
pub const fn lane_bytes(abort_slots: u32) -> usize {
  ABORT_BITMAP_OFFSET + (abort_slots as usize).div_ceil(64) * 8
}

/// Response status: the task returned, the task threw, or (no payload) "I,
/// another lane's worker, took this call from its ring" (work stealing).
pub const STATUS_OK: u32 = 0;
pub const STATUS_THREW: u32 = 1;
pub const STATUS_MOVED: u32 = 2;

pub const WORKER_RUNNING: u32 = 0;
pub const WORKER_PARKED: u32 = 1;

pub const LANE_STARTING: u32 = 0;
pub const LANE_READY: u32 = 1;
pub const LANE_CLOSING: u32 = 2;
pub const LANE_DEAD: u32 = 3;

impl Word {
  pub const fn byte_offset(self) -> usize {
    self as usize * CACHE_LINE
  }
}

const _: () = assert!(CONTROL_WORDS * CACHE_LINE <= CONTROL_BYTES);
const _: () = assert!(SLOTS.is_power_of_two());

/// What JS needs to address the memory; indices are in i32 units.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct JsLayout {
  slots: u32,
  slot_bytes: usize,
  inline_bytes: usize,
  req_ring: usize,
  res_ring: usize,
  slot_call_id: usize,
  slot_fn_or_status: usize,
  slot_tag: usize,
  slot_len: usize,
  slot_number: usize,
  slot_inline: usize,
  req_tail: usize,
  req_head: usize,
  res_tail: usize,
  res_head: usize,
  worker_state: usize,
  host_parked: usize,
  lane_state: usize,
  req_backlog: usize,
  res_backlog: usize,
  running: usize,
  abort_bitmap: usize,
  status_ok: u32,
  status_threw: u32,
  status_moved: u32,
  worker_running: u32,
  worker_parked: u32,
  lane_starting: u32,
  lane_ready: u32,
  lane_closing: u32,
  lane_dead: u32,
  max_threads: u32,
  max_abort_slots: u32,
}

impl JsLayout {
  pub fn new() -> Self {
    let i32_index = |w: Word| w.byte_offset() / 4;
    Self {
      slots: SLOTS,
      slot_bytes: SLOT_BYTES,
      inline_bytes: INLINE_BYTES,
      req_ring: REQ_RING_OFFSET,
      res_ring: RES_RING_OFFSET,
      slot_call_id: SLOT_CALL_ID,
      slot_fn_or_status: SLOT_FN_OR_STATUS,
      slot_tag: SLOT_TAG,
      slot_len: SLOT_LEN,
      slot_number: SLOT_NUMBER,
      slot_inline: SLOT_INLINE,
      req_tail: i32_index(Word::ReqTail),
      req_head: i32_index(Word::ReqHead),
      res_tail: i32_index(Word::ResTail),
      res_head: i32_index(Word::ResHead),
      worker_state: i32_index(Word::WorkerState),
      host_parked: i32_index(Word::HostParked),
      lane_state: i32_index(Word::LaneState),
      req_backlog: i32_index(Word::ReqBacklog),
      res_backlog: i32_index(Word::ResBacklog),
      running: i32_index(Word::Running),
      abort_bitmap: ABORT_BITMAP_OFFSET / 4,
      status_ok: STATUS_OK,
      status_threw: STATUS_THREW,
      status_moved: STATUS_MOVED,
      worker_running: WORKER_RUNNING,
      worker_parked: WORKER_PARKED,
      lane_starting: LANE_STARTING,
      lane_ready: LANE_READY,
      lane_closing: LANE_CLOSING,
      lane_dead: LANE_DEAD,
      max_threads: MAX_THREADS,
      max_abort_slots: MAX_ABORT_SLOTS,
    }
  }
}

impl Default for JsLayout {
  fn default() -> Self {
    Self::new()
  }
}
