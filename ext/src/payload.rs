//! Payload stores: values too big for a slot's inline area travel as a
//! handle in the slot. Their bytes are copied once, by the producer, into a
//! recycled buffer (`buffers.rs`) and the consumer's `Uint8Array` adopts
//! that buffer: one copy per direction.
//!
//! Each lane owns its store, so a dead lane's buffers die with it. Two
//! limits hold (the pool's `payload` options): one value may not exceed
//! `max_payload_bytes` (the call fails with a RangeError), and the bytes
//! in flight may not exceed `budget_bytes`: in growable mode (the default)
//! the producer holds the value back until the consumer has taken some
//! (back-pressure, never a failure); in fixed mode the call fails at once,
//! as the original's fixed arena does.

use std::sync::Mutex;

use crate::errors::KnittingError;

#[derive(Clone, Copy, Debug)]
pub struct PayloadLimits {
  pub max_payload_bytes: usize,
  pub budget_bytes: usize,
  /// `payload.mode: "fixed"`: a full budget is an error, not a wait.
  pub fixed: bool,
}

impl Default for PayloadLimits {
  fn default() -> Self {
    Self {
      max_payload_bytes: 8 << 20,
      budget_bytes: 64 << 20,
      fixed: false,
    }
  }
}

#[derive(Default)]
pub struct PayloadStore {
  buffers: Mutex<Slab>,
  limits: PayloadLimits,
}

#[derive(Default)]
struct Slab {
  entries: Vec<Option<Vec<u8>>>,
  free: Vec<u32>,
  live_bytes: usize,
}

impl PayloadStore {
  pub fn new(limits: PayloadLimits) -> Self {
    Self {
      buffers: Mutex::default(),
      limits,
    }
  }

  /// Check one value's size against the per-call limit.
  pub fn check_size(&self, size: usize) -> Result<(), KnittingError> {
    if size > self.limits.max_payload_bytes {
      return Err(KnittingError::PayloadTooLarge {
        size,
        limit: self.limits.max_payload_bytes,
      });
    }
    Ok(())
  }

  /// Store a payload and return its handle; `None` while the budget is
  /// spent (try again after the consumer took some). An empty store always
  /// accepts, so a value within the per-call limit cannot wait forever.
  pub fn put(&self, payload: Vec<u8>) -> Result<Option<u32>, KnittingError> {
    let size = payload.len();
    self.check_size(size)?;
    let mut slab = self.buffers.lock().unwrap();
    if slab.live_bytes > 0 && slab.live_bytes + size > self.limits.budget_bytes {
      if self.limits.fixed {
        return Err(KnittingError::PayloadBufferFull {
          size,
          live: slab.live_bytes,
          limit: self.limits.budget_bytes,
        });
      }
      return Ok(None);
    }
    slab.live_bytes += size;
    let handle = match slab.free.pop() {
      Some(handle) => {
        slab.entries[handle as usize] = Some(payload);
        handle
      }
      None => {
        slab.entries.push(Some(payload));
        (slab.entries.len() - 1) as u32
      }
    };
    Ok(Some(handle))
  }

  pub fn take(&self, handle: u32) -> Result<Vec<u8>, KnittingError> {
    let mut slab = self.buffers.lock().unwrap();
    let payload = slab
      .entries
      .get_mut(handle as usize)
      .and_then(Option::take)
      .ok_or(KnittingError::UnknownPayload(handle))?;
    slab.free.push(handle);
    slab.live_bytes -= payload.len();
    Ok(payload)
  }

  #[cfg(test)]
  pub fn live(&self) -> usize {
    let slab = self.buffers.lock().unwrap();
    slab.entries.len() - slab.free.len()
  }

  /// Drop everything (the lane's worker died; nobody will take these).
  pub fn clear(&self) {
    *self.buffers.lock().unwrap() = Slab::default();
  }
}

#[cfg(test)]
mod tests {
  use super::*;

  #[test]
  fn handles_are_taken_once_and_reused() {
    let store = PayloadStore::default();
    let a = store.put(vec![1, 2, 3]).unwrap().unwrap();
    let b = store.put("héllo".into()).unwrap().unwrap();
    assert_ne!(a, b);
    assert!(matches!(store.take(a), Ok(v) if v == [1, 2, 3]));
    assert!(
      matches!(store.take(a), Err(KnittingError::UnknownPayload(_))),
      "a handle is taken once"
    );
    let c = store.put(Vec::new()).unwrap().unwrap();
    assert_eq!(c, a, "freed handles are reused");
    assert!(matches!(store.take(b), Ok(v) if v == "héllo".as_bytes()));
    assert_eq!(store.live(), 1);
  }

  #[test]
  fn a_value_over_the_per_call_limit_is_refused_with_its_size() {
    let store = PayloadStore::new(PayloadLimits {
      max_payload_bytes: 4,
      budget_bytes: 64,
      fixed: false,
    });
    let error = store.put("hello".into()).err().expect("5 bytes > 4");
    assert_eq!(
      error.to_string(),
      "payload of 5 bytes exceeds payload.maxPayloadBytes (4 bytes)"
    );
    assert!(store.put(vec![0; 4]).unwrap().is_some());
  }

  #[test]
  fn the_budget_holds_back_until_bytes_are_taken() {
    let store = PayloadStore::new(PayloadLimits {
      max_payload_bytes: 8,
      budget_bytes: 10,
      fixed: false,
    });
    let a = store.put(vec![0; 8]).unwrap().unwrap();
    assert!(store.put(vec![0; 8]).unwrap().is_none(), "8 + 8 > 10: wait");
    assert!(store.put(vec![0; 2]).unwrap().is_some(), "8 + 2 fits");
    store.take(a).unwrap();
    assert!(store.put(vec![0; 8]).unwrap().is_some(), "room again");
  }

  #[test]
  fn in_fixed_mode_a_full_budget_is_an_error() {
    let store = PayloadStore::new(PayloadLimits {
      max_payload_bytes: 8,
      budget_bytes: 10,
      fixed: true,
    });
    store.put(vec![0; 8]).unwrap().unwrap();
    let error = store.put(vec![0; 8]).unwrap_err().to_string();
    assert_eq!(
      error,
      "payload buffer capacity exceeded (payload.mode \"fixed\"): 8 bytes do not fit beside 8 in flight (payload.payloadMaxByteLength 10)"
    );
  }
}
