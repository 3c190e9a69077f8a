// One lane's shared memory seen from JS: typed-array views over the
// SharedArrayBuffer Rust allocated, and the ring arithmetic of PROTOCOL.md.
// Counters are int32 in memory and wrap; `(a - b) | 0` is the distance.
import { op_knitting_layout } from "ext:core/ops";

export const L = op_knitting_layout();
const SLOT_MASK = L.slots - 1;

/** Typed views over one slot-addressable buffer (a lane, or a scratch slot). */
export class SlotView {
  constructor(buffer) {
    this.u8 = new Uint8Array(buffer);
    this.u16 = new Uint16Array(buffer);
    this.u32 = new Uint32Array(buffer);
    this.f64 = new Float64Array(buffer);
  }
}

export class LaneView extends SlotView {
  constructor(sab) {
    super(sab);
    this.i32 = new Int32Array(sab);
  }
}

export function requestSlot(counter) {
  return L.reqRing + (counter & SLOT_MASK) * L.slotBytes;
}

export function responseSlot(counter) {
  return L.resRing + (counter & SLOT_MASK) * L.slotBytes;
}

export function writeHeader(view, at, id, fnOrStatus) {
  const w = at >> 2;
  view.u32[w] = id;
  view.u32[w + 1] = fnOrStatus;
}

/**
 * How many times to re-check before parking, learned from the last waits
 * (after crossbeam's Backoff and rayon's sleep): a spin that ended with work
 * doubles the budget, a spin that ended in a park halves it. When the other
 * side is descheduled (more busy threads than cores) spins keep failing and
 * the budget shrinks to a few checks, so a spinning thread stops taking the
 * core the other side needs; when replies come fast it grows back.
 *
 *   spin(budget) --work--> budget * 2 (<= max)
 *        |
 *        +--nothing--> park; budget / 2 (>= min)
 */
export class SpinBudget {
  constructor(max, min = 16) {
    this.max = max;
    this.min = min;
    this.budget = max;
  }

  succeeded() {
    this.budget = Math.min(this.max, this.budget * 2);
  }

  parked() {
    this.budget = Math.max(this.min, this.budget >> 1);
  }
}
