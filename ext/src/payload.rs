//! Payload buffers: values too big for a slot's inline area travel as a
//! handle in the slot, and their bytes are copied once into a Rust buffer by
//! the producer and handed out once to the consumer.
//!
//! Each lane owns its store, so a dead lane's buffers die with it, and the
//! number of live buffers is bounded by the ring (a handle lives in a slot).

use std::sync::Mutex;

use crate::errors::KnittingError;

#[derive(Default)]
pub struct PayloadStore {
  buffers: Mutex<Slab>,
}

#[derive(Default)]
struct Slab {
  entries: Vec<Option<Payload>>,
  free: Vec<u32>,
}

pub enum Payload {
  Bytes(Vec<u8>),
  Text(String),
}

impl PayloadStore {
  pub fn put(&self, payload: Payload) -> u32 {
    let mut slab = self.buffers.lock().unwrap();
    match slab.free.pop() {
      Some(handle) => {
        slab.entries[handle as usize] = Some(payload);
        handle
      }
      None => {
        slab.entries.push(Some(payload));
        (slab.entries.len() - 1) as u32
      }
    }
  }

  pub fn take(&self, handle: u32) -> Result<Payload, KnittingError> {
    let mut slab = self.buffers.lock().unwrap();
    let payload = slab
      .entries
      .get_mut(handle as usize)
      .and_then(Option::take)
      .ok_or(KnittingError::UnknownPayload(handle))?;
    slab.free.push(handle);
    Ok(payload)
  }

  pub fn live(&self) -> usize {
    let slab = self.buffers.lock().unwrap();
    slab.entries.len() - slab.free.len()
  }
}

#[cfg(test)]
mod tests {
  use super::*;

  #[test]
  fn handles_are_taken_once_and_reused() {
    let store = PayloadStore::default();
    let a = store.put(Payload::Bytes(vec![1, 2, 3]));
    let b = store.put(Payload::Text("héllo".into()));
    assert_ne!(a, b);
    assert!(matches!(store.take(a), Ok(Payload::Bytes(v)) if v == [1, 2, 3]));
    assert!(
      matches!(store.take(a), Err(KnittingError::UnknownPayload(_))),
      "a handle is taken once"
    );
    let c = store.put(Payload::Bytes(vec![]));
    assert_eq!(c, a, "freed handles are reused");
    assert!(matches!(store.take(b), Ok(Payload::Text(s)) if s == "héllo"));
    assert_eq!(store.live(), 1);
  }
}

mod ops {
  use deno_core::op2;
  use deno_core::OpState;

  use super::Payload;
  use crate::errors::KnittingError;
  use crate::pool::lane_of;

  /// Copy bytes into the lane's payload store; the slot carries the handle.
  #[op2(fast)]
  #[smi]
  pub fn op_knitting_put_bytes(
    state: &mut OpState,
    #[smi] pool: u32,
    #[smi] lane: u32,
    #[buffer] bytes: &[u8],
  ) -> Result<u32, KnittingError> {
    Ok(lane_of(state, pool, lane)?.payloads.put(Payload::Bytes(bytes.to_vec())))
  }

  /// Encode a string as UTF-8 straight into the lane's payload store.
  #[op2(fast)]
  #[smi]
  pub fn op_knitting_put_text(
    state: &mut OpState,
    #[smi] pool: u32,
    #[smi] lane: u32,
    #[string] text: String,
  ) -> Result<u32, KnittingError> {
    Ok(lane_of(state, pool, lane)?.payloads.put(Payload::Text(text)))
  }

  #[op2]
  #[buffer]
  pub fn op_knitting_take_bytes(
    state: &mut OpState,
    #[smi] pool: u32,
    #[smi] lane: u32,
    #[smi] handle: u32,
  ) -> Result<Vec<u8>, KnittingError> {
    match lane_of(state, pool, lane)?.payloads.take(handle)? {
      Payload::Bytes(bytes) => Ok(bytes),
      Payload::Text(text) => Ok(text.into_bytes()),
    }
  }

  #[op2]
  #[string]
  pub fn op_knitting_take_text(
    state: &mut OpState,
    #[smi] pool: u32,
    #[smi] lane: u32,
    #[smi] handle: u32,
  ) -> Result<String, KnittingError> {
    match lane_of(state, pool, lane)?.payloads.take(handle)? {
      Payload::Text(text) => Ok(text),
      Payload::Bytes(bytes) => Ok(String::from_utf8_lossy(&bytes).into_owned()),
    }
  }
}

pub use ops::*;
