// One lane's shared memory seen from JS: typed-array views over the
// SharedArrayBuffer Rust allocated, and the ring arithmetic of PROTOCOL.md.
// Counters are int32 in memory and wrap; `(a - b) | 0` is the distance.
import { op_knitting_layout, op_knitting_relax } from "ext:core/ops";

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

/** A spinner looks at the clock every 16 checks (a mask): the clock is an op. */
const CLOCK_EVERY = 15;
/** ...and offers its core to other runnable threads every 32 (a mask). */
const RELAX_EVERY = 31;
/** A relax that kept the spinner off its core this long (ms) means another
 *  thread needed the core: perhaps the very one it waits for. */
const DESCHEDULED_MS = 0.05;

/**
 * How long to re-check before parking, by time, learned from the last waits
 * (after crossbeam's Backoff and rayon's sleep):
 *
 *   spin() --true--> re-check ... --false--> park --> parked(ms)
 *     |                                                 |
 *     +-- work found: found() -> budget * 2 (<= max)     +-- woken within max: budget * 2
 *                                                        +-- later, or the spin was cut: budget / 2 (>= min)
 *
 * A park that ended soon after it began says a longer spin would have
 * caught the work without a wake-up: the budget grows. (Halving it on every
 * park instead, as this used to, was a trap: once the budget fell below a
 * round trip, no spin could succeed again to grow it, and every call paid a
 * wake-up: a sequential echo took 30 or 80 µs by luck.)
 *
 * Spinning by time, not by count, is what keeps a spinner from starving
 * others. With more busy threads than cores (a process pinned to one core)
 * every relax can cost a whole time slice: 60 relaxes of the count-based
 * spin this replaced could keep the host's event loop away for 100 ms while
 * a worker ran a long task, so timers and timeouts fired late. Now a spin
 * never outlasts its budget (tens of µs, far below a timer's resolution),
 * the first relax that comes back late ends it (the core was needed, maybe
 * by the very thread we wait for), and parking turns the event loop.
 */
export class Spinner {
  constructor(maxMicroseconds, minMicroseconds = 2) {
    this.maxMs = maxMicroseconds / 1000;
    this.minMs = Math.min(this.maxMs, minMicroseconds / 1000);
    this.budgetMs = this.maxMs;
    this.checks = 0;
    this.start = 0;
    /** The last spin ended because another thread needed the core. */
    this.cut = false;
  }

  /** One more empty check: true to re-check, false to park. */
  spin() {
    const n = ++this.checks;
    if (n === 1) {
      this.start = performance.now();
      return true;
    }
    if ((n & CLOCK_EVERY) !== 0) return true;
    let now = performance.now();
    if ((n & RELAX_EVERY) === 0) {
      op_knitting_relax();
      const back = performance.now();
      if (back - now > DESCHEDULED_MS) {
        this.cut = true;
        return false;
      }
      now = back;
    }
    return now - this.start < this.budgetMs;
  }

  /** The wait ended with work before parking. */
  found() {
    if (this.checks > 0) this.budgetMs = Math.min(this.maxMs, this.budgetMs * 2);
    this.checks = 0;
  }

  /** The wait ended in a park of `parkedMs` (0 when there was none). */
  parked(parkedMs) {
    if (!this.cut && parkedMs < this.maxMs) {
      this.budgetMs = Math.min(this.maxMs, this.budgetMs * 2);
    } else {
      this.budgetMs = Math.max(this.minMs, this.budgetMs / 2);
    }
    this.cut = false;
    this.checks = 0;
  }
}
