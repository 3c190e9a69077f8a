//! Errors the knitting ops raise; each variant becomes a JS error class.

#[derive(Debug, thiserror::Error, deno_error::JsError)]
pub enum KnittingError {
  #[class(type)]
  #[error("Knitting pool {0} does not exist (it was shut down)")]
  UnknownPool(u32),
  #[class(range)]
  #[error("Knitting pool {pool} has no lane {lane}")]
  UnknownLane { pool: u32, lane: u32 },
  #[class(type)]
  #[error("Payload buffer {0} is unknown or was already taken")]
  UnknownPayload(u32),
  #[class(type)]
  #[error("This op is only available inside a Knitting worker")]
  NotAWorker,
  #[class("NotCapable")]
  #[error("Knitting's internal ops are not for task code")]
  Refused,
  #[class(type)]
  #[error("Knitting pools cannot be created here: {0}")]
  PoolsUnavailable(&'static str),
  #[class(range)]
  #[error("threads must be an integer from 1 to {max}, got {got}")]
  BadThreadCount { got: u32, max: u32 },
  #[class(range)]
  #[error("payload of {size} bytes exceeds payload.maxPayloadBytes ({limit} bytes)")]
  PayloadTooLarge { size: usize, limit: usize },
  #[class(range)]
  #[error(
    "payload buffer capacity exceeded (payload.mode \"fixed\"): {size} bytes do not fit beside {live} in flight (payload.payloadMaxByteLength {limit})"
  )]
  PayloadBufferFull { size: usize, live: usize, limit: usize },
  #[class(range)]
  #[error("{0}")]
  BadPoolOption(String),
  #[class(type)]
  #[error("createPool: invalid permission policy: {0}")]
  BadPolicy(String),
  #[class(generic)]
  #[error("could not start a worker thread: {0}")]
  Spawn(#[from] std::io::Error),
}
