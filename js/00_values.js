// Value types of the Knitting API that travel with their own codec tags:
// NumericArray (packed float64) and Envelope (a header plus a byte body);
// the error classes; the clock a task's toolkit gives it.
import { op_knitting_now } from "ext:core/ops";

/** `toolkit.now()`: the runtime's `performance.now()`, as task code knows
 *  it (Knitting's own clock in a runtime without Web APIs). */
export function taskNow() {
  return globalThis.performance ? performance.now() : op_knitting_now();
}

const NUMERIC_BRAND = Symbol.for("knitting.numericArray");

/** An Array of numbers that travels as packed float64 and comes back as a NumericArray. */
export class NumericArray extends Array {
  get [NUMERIC_BRAND]() {
    return true;
  }
}

export function isNumericArray(value) {
  return Array.isArray(value) && value[NUMERIC_BRAND] === true;
}

/** A header (a string or JSON-like value) with a binary body (an ArrayBuffer). */
export class Envelope {
  // header and payload are defined read-only in the constructor (not as
  // class fields, which would be writable).
  /** @param {unknown} [payload] */
  constructor(header, payload = new ArrayBuffer(0)) {
    // A SharedArrayBuffer body is shared, not copied (as upstream): both
    // sides see each other's writes.
    if (!(payload instanceof ArrayBuffer) && !(payload instanceof SharedArrayBuffer)) {
      throw new TypeError(
        `Envelope payload must be an ArrayBuffer or SharedArrayBuffer, got ${payload?.constructor?.name ?? typeof payload}`,
      );
    }
    Object.defineProperty(this, "header", { value: header, enumerable: true });
    Object.defineProperty(this, "payload", { value: payload, enumerable: true });
  }

  [Symbol.dispose]() {
    /** @type {any} */ (this).payload?.[Symbol.dispose]?.();
  }
}

// Errors the library itself raises. Every one is an Error whose name says
// what happened; the messages keep the original's key phrases ("Thread
// closed", "Pool is shut down", "Task timeout", "Task hard timeout").

class KnittingError extends Error {
  constructor(message, options) {
    super(message, options);
    Object.defineProperty(this, "name", { value: new.target.name, writable: true, configurable: true });
  }
}

/** The pool was shut down: before the call finished, or before it was made. */
export class PoolClosedError extends KnittingError {}
/** The worker running the call died (uncaught error, failed start-up, interruption); a new one replaces it. */
export class WorkerCrashedError extends KnittingError {}
/** The task did not settle within its `timeout` (number form). */
export class TaskTimeoutError extends KnittingError {}
/** The call outlived `worker.hardTimeoutMs`; its worker was stopped and replaced. */
export class HardTimeoutError extends KnittingError {}
/** Every abort signal slot of the lane is in use (`abortSignalCapacity`). */
export class AbortSignalPoolExhaustedError extends KnittingError {}
