//! Payload buffers, recycled.
//!
//! A large payload is copied once, by the producer, into one of these
//! buffers, and the consumer's isolate adopts the buffer as the backing store
//! of its `Uint8Array` (no second copy, no zeroing). When that isolate drops
//! the array, the engine hands the buffer back here instead of to `free`:
//! memory that moved one payload moves the next one with its pages already
//! mapped. Without this, a stream of 1 MiB payloads spends most of its time
//! in page faults, because malloc gives such blocks back to the kernel as soon
//! as they are freed (measured: 2.2 GB/s against 6+ with recycling,
//! bench/bytes.ts).
//!
//! The engine's deleter learns only a buffer's length, so a recycled buffer's
//! capacity must follow from its length: buffers of `RECYCLE_MIN` bytes or
//! more get a power-of-two capacity (the unused tail is never written, so it
//! costs address space, not memory); smaller ones are plain exact-size
//! allocations. At most `RETAIN_LIMIT` bytes wait here, and `release_all`
//! empties the list when a pool shuts down.

use std::ffi::c_void;
use std::sync::Mutex;

use deno_core::v8;

/// Smaller payloads come from malloc's own free lists, which already reuse
/// memory without page faults.
const RECYCLE_MIN: usize = 64 << 10;
/// Most bytes kept for reuse (the default in-flight budget of one lane).
const RETAIN_LIMIT: usize = 64 << 20;

struct Recycled {
  /// `by_class[k]` holds buffers of capacity `1 << k`.
  by_class: [Vec<Vec<u8>>; usize::BITS as usize],
  bytes: usize,
}

static RECYCLED: Mutex<Recycled> = Mutex::new(Recycled {
  by_class: [const { Vec::new() }; usize::BITS as usize],
  bytes: 0,
});

fn capacity_for(length: usize) -> usize {
  if length < RECYCLE_MIN {
    length
  } else {
    length.next_power_of_two()
  }
}

/// An empty buffer that can take `length` bytes without growing, with the
/// capacity `capacity_for(length)` gives (a recycled one when there is one).
fn with_room_for(length: usize) -> Vec<u8> {
  let capacity = capacity_for(length);
  if length < RECYCLE_MIN {
    return Vec::with_capacity(capacity);
  }
  let class = capacity.trailing_zeros() as usize;
  let reused = {
    let mut recycled = RECYCLED.lock().unwrap();
    let reused = recycled.by_class[class].pop();
    if reused.is_some() {
      recycled.bytes -= capacity;
    }
    reused
  };
  reused.unwrap_or_else(|| Vec::with_capacity(capacity))
}

/// A buffer holding a copy of `bytes`, with the capacity `capacity_for` gives.
pub fn copy_of(bytes: &[u8]) -> Vec<u8> {
  let mut buffer = with_room_for(bytes.len());
  buffer.extend_from_slice(bytes);
  buffer
}

/// Give a buffer back for reuse (one too small to be worth it is freed).
fn recycle(mut buffer: Vec<u8>) {
  let capacity = buffer.capacity();
  if capacity < RECYCLE_MIN {
    return;
  }
  buffer.clear();
  let mut recycled = RECYCLED.lock().unwrap();
  if recycled.bytes + capacity <= RETAIN_LIMIT {
    recycled.bytes += capacity;
    recycled.by_class[capacity.trailing_zeros() as usize].push(buffer);
  }
}

/// Free every buffer waiting for reuse.
pub fn release_all() {
  let drained: Vec<Vec<u8>> = {
    let mut recycled = RECYCLED.lock().unwrap();
    recycled.bytes = 0;
    recycled.by_class.iter_mut().flat_map(std::mem::take).collect()
  };
  drop(drained);
}

/// A backing store that owns `buffer` and recycles it when the last
/// ArrayBuffer over it is collected. (A store made from a Vec would be
/// copied by engines that cannot adopt foreign memory; one made from a
/// pointer and a deleter is adopted by every engine.)
pub fn into_backing_store(buffer: Vec<u8>) -> v8::SharedRef<v8::BackingStore> {
  unsafe extern "C" fn give_back(data: *mut c_void, length: usize, _: *mut c_void) {
    // SAFETY: `data` and `length` came from a Vec made by `copy_of` (or
    // brought to that capacity below), whose capacity `capacity_for` gives.
    recycle(unsafe { Vec::from_raw_parts(data as *mut u8, length, capacity_for(length)) });
  }
  let length = buffer.len();
  if length == 0 {
    return v8::ArrayBuffer::new_backing_store_from_boxed_slice(Box::default()).make_shared();
  }
  let buffer = if buffer.capacity() == capacity_for(length) {
    buffer
  } else {
    copy_of(&buffer)
  };
  let data = std::mem::ManuallyDrop::new(buffer).as_mut_ptr() as *mut c_void;
  // SAFETY: the engine keeps `data` alive until it calls `give_back`.
  unsafe { v8::ArrayBuffer::new_backing_store_from_ptr(data, length, give_back, std::ptr::null_mut()) }.make_shared()
}

#[cfg(test)]
mod tests {
  use super::*;

  #[test]
  fn capacity_follows_from_length() {
    assert_eq!(copy_of(&[7; 100]).capacity(), 100);
    let big = copy_of(&vec![7; RECYCLE_MIN + 1]);
    assert_eq!(big.capacity(), 2 * RECYCLE_MIN);
    assert_eq!(big.len(), RECYCLE_MIN + 1);
    assert!(big.iter().all(|&b| b == 7));
  }

  #[test]
  fn a_recycled_buffer_is_reused_with_the_new_bytes() {
    // A class no other test uses, so parallel tests cannot take it.
    let length = (1 << 22) + 3;
    let first = copy_of(&vec![1; length]);
    let address = first.as_ptr();
    recycle(first);
    let second = copy_of(&vec![2; length - 1]);
    assert_eq!(second.as_ptr(), address, "same memory");
    assert_eq!(second.len(), length - 1);
    assert!(second.iter().all(|&b| b == 2));
  }
}
