// The lane's shared memory and its protocol, for both sides (PROTOCOL.md):
// views over the SharedArrayBuffer Rust allocated, each ring's producer and
// consumer (the host produces requests and consumes responses, a worker the
// other way round: one implementation serves both), the request word, the
// wake-up handshake, and how long to spin before parking.
//
// Every shared word is read and written with `Atomics` (sequentially
// consistent); the comments at those lines name the ordering they keep.
// Counters are int32 in memory and wrap; `(a - b) | 0` is the distance.
import { op_knitting_layout, op_knitting_now, op_knitting_yield_thread } from "ext:core/ops";

/** The layout, from Rust (`ext/src/layout.rs`), the one source of the numbers. */
export const L = op_knitting_layout();
const SLOT_MASK = L.slots - 1;
const SLOT_BYTES = L.slotBytes;
/** A slot's header words, as u32 indexes from the slot's first word. */
export const HEADER_ID = L.slotCallId >> 2;
export const HEADER_WORD = L.slotFnOrStatus >> 2;
export const HEADER_TAG = L.slotTag >> 2;
export const HEADER_LEN = L.slotLen >> 2;

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

/**
 * The request word: the task's index (16 bits), its abort slot + 1 (15
 * bits; 0: none), and in the top bit whether the worker times the call
 * (one call in 16, for `pool.stats()`).
 */
const REQUEST_TIMED = 0x80000000;

export function packRequest(task, signal, timed) {
  return (task | ((signal + 1) << 16) | (timed ? REQUEST_TIMED : 0)) >>> 0;
}

export function requestTask(word) {
  return word & 0xffff;
}

export function requestSignal(word) {
  return ((word >>> 16) & 0x7fff) - 1;
}

export function requestTimed(word) {
  return (word & REQUEST_TIMED) !== 0;
}

/**
 * A response's status word: the status (`L.statusOk`, `statusThrew`,
 * `statusMoved`) in the low 2 bits; for a timed call, a flag and the
 * microseconds its task ran (29 bits; longer runs saturate at ~9 minutes).
 */
const STATUS_MASK = 3;
const STATUS_TIMED = 4;
const MICROS_SHIFT = 3;
const MAX_MICROS = 0x1fffffff;

export function timedStatus(status, micros) {
  const us = micros < MAX_MICROS ? Math.round(micros) : MAX_MICROS;
  return (status | STATUS_TIMED | (us << MICROS_SHIFT)) >>> 0;
}

export function responseStatus(word) {
  return word & STATUS_MASK;
}

/** The microseconds a timed call's task ran, or -1 for a call not timed. */
export function responseMicros(word) {
  return (word & STATUS_TIMED) === 0 ? -1 : word >>> MICROS_SHIFT;
}

/** The words of each ring. */
export const REQUESTS = { tail: L.reqTail, head: L.reqHead, backlog: L.reqBacklog, base: L.reqRing };
export const RESPONSES = { tail: L.resTail, head: L.resHead, backlog: L.resBacklog, base: L.resRing };

/**
 * The one producer of a ring. It owns the slots from `tail` to the
 * consumer's head + slots; writes one, `commit()`s it, and makes what it
 * wrote visible with `publish()`.
 */
export class RingProducer {
  /**
   * The counters come from memory: a new worker's lane starts where the old one's left off.
   * @param {LaneView} view
   * @param {typeof REQUESTS} ring
   */
  constructor(view, ring) {
    this.i32 = view.i32;
    this.ring = ring;
    this.base = ring.base;
    this.tail = this.published = Atomics.load(view.i32, ring.tail);
    this.headSeen = Atomics.load(view.i32, ring.head);
  }

  /** Slots free to write. The head is loaded again only when the one seen says none. */
  free() {
    let free = L.slots - ((this.tail - this.headSeen) | 0);
    if (free === 0) {
      this.headSeen = Atomics.load(this.i32, this.ring.head);
      free = L.slots - ((this.tail - this.headSeen) | 0);
    }
    return free;
  }

  /** The byte offset of the next slot to write. */
  slot() {
    return this.base + (this.tail & SLOT_MASK) * SLOT_BYTES;
  }

  /**
   * The frame at `at` (from `slot()`) is written but for its header: write
   * that (the call id, and the request word or a response's status), and
   * move to the next slot (the frame is not visible yet).
   */
  commit(view, at, id, word) {
    const w = at >> 2;
    view.u32[w + HEADER_ID] = id;
    view.u32[w + HEADER_WORD] = word;
    this.tail = (this.tail + 1) | 0;
  }

  /** How far the consumer has taken (for a crashed worker: what it claimed). */
  consumed() {
    return Atomics.load(this.i32, this.ring.head);
  }

  /**
   * Make the written slots visible; false when there were none. Ordering:
   * the slots' bytes are written before this store of the tail, so a
   * consumer that loads the new tail sees them.
   */
  publish() {
    if (this.tail === this.published) return false;
    this.published = this.tail;
    Atomics.store(this.i32, this.ring.tail, this.tail);
    return true;
  }

  /** The producer holds frames that did not fit; the consumer wakes it when it frees slots. */
  setBacklog(held) {
    Atomics.store(this.i32, this.ring.backlog, held ? 1 : 0);
  }
}

/**
 * A consumer of a ring: the host of responses, a worker of its requests.
 * `head` is the next slot to take; with stealing, several workers take
 * from one request ring, and `claim` moves the head by CAS.
 */
export class RingConsumer {
  /**
   * @param {LaneView} view
   * @param {typeof REQUESTS} ring
   */
  constructor(view, ring) {
    this.i32 = view.i32;
    this.ring = ring;
    this.base = ring.base;
    this.tailWord = ring.tail;
    this.head = this.tailSeen = Atomics.load(view.i32, ring.head);
  }

  /** The producer's tail now. Ordering: loaded before the slots it covers are read. */
  tail() {
    return (this.tailSeen = Atomics.load(this.i32, this.ring.tail));
  }

  slot(counter) {
    return this.base + (counter & SLOT_MASK) * SLOT_BYTES;
  }

  /**
   * The sole consumer hands back the slots before `head`. Ordering: their
   * bytes were copied out before this store, so the producer, which loads
   * the head before writing a slot, never overwrites unread bytes.
   */
  release(head) {
    this.head = head;
    Atomics.store(this.i32, this.ring.head, head);
  }

  /**
   * One of several consumers takes the slot at `head`, after reading it:
   * true when it won. A loss means another took it and what was read may
   * be torn; `head` is then where the winner left it. The producer writes
   * only slots past the head, so a slot cannot change under a consumer that
   * then wins.
   */
  claim(head) {
    const seen = Atomics.compareExchange(this.i32, this.ring.head, head, (head + 1) | 0);
    if (seen === head) {
      this.head = (head + 1) | 0;
      return true;
    }
    this.headAt(seen);
    return false;
  }

  /**
   * Take the next slot of a ring with several consumers: `read(at)` copies
   * out what it can before the claim (the slot may be torn then: only a won
   * claim keeps what was read). True when this consumer won a slot, false
   * when the ring is empty. The tail is loaded only when the cached one is
   * reached, so a slot costs one CAS.
   */
  take(read) {
    for (;;) {
      const head = this.head;
      if (head === this.tailSeen && head === this.tail()) {
        if (this.reloadHead() === head) return false;
        continue;
      }
      read(this.slot(head));
      if (this.claim(head)) return true;
    }
  }

  /** The producer published past this consumer's head (one load: what a spin looks at). */
  hasNew() {
    return Atomics.load(this.i32, this.tailWord) !== this.head;
  }

  /** Nothing published is left to take (loads both counters; caches nothing). */
  isEmpty() {
    return Atomics.load(this.i32, this.ring.tail) === Atomics.load(this.i32, this.ring.head);
  }

  /** The head as other consumers left it. */
  reloadHead() {
    return this.headAt(Atomics.load(this.i32, this.ring.head));
  }

  /**
   * Move to a head another consumer left, raising the tail seen to it:
   * others may have taken slots published after that tail was loaded, and
   * a head past the tail seen would look like a slot to take (one not
   * published yet, whose claim would succeed).
   */
  headAt(head) {
    this.head = head;
    if (((this.tailSeen - head) | 0) < 0) this.tailSeen = head;
    return head;
  }

  /** The producer holds frames that did not fit and waits for slots. */
  producerWaits() {
    return Atomics.load(this.i32, this.ring.backlog) === 1;
  }
}

/**
 * The sleeper's half of the handshake (PROTOCOL.md, "Waking"): announce
 * the park (`asleep` in its word), then look for work again; true when none
 * is due and the caller may park. Ordering: the store comes before the
 * look, so a waker that publishes after the look sees `asleep`.
 * @param {Int32Array} i32
 */
export function announcePark(i32, word, asleep, isDue) {
  Atomics.store(i32, word, asleep);
  return !isDue();
}

/**
 * The waker's half of the handshake (PROTOCOL.md, "Waking"): true when the
 * other side had parked and this caller won the right to ring it (exactly
 * one waker rings). Ordering: the caller published (stored a tail) before
 * this load; the sleeper stored `asleep` before it re-checked that tail. With
 * both sequentially consistent, at least one sees the other's store: the
 * sleeper sees the work and stays up, or this sees it parked and rings.
 * @param {Int32Array} i32
 */
export function shouldWake(i32, word, asleep, awake) {
  return Atomics.load(i32, word) === asleep && Atomics.compareExchange(i32, word, asleep, awake) === asleep;
}

/**
 * Every 16th check of a spin (a mask on `Spinner.checks`) is the full pass:
 * the other checks look at one word (PROTOCOL.md, "How long to spin").
 */
export const FULL_PASS_EVERY = 15;
/** A spinner looks at the clock every 16 checks (a mask): the clock is an op. */
const CLOCK_EVERY = 15;
/** ...and offers its core to other runnable threads every 32 (a mask). */
const RELAX_EVERY = 31;
/** The longest (ms, wall time) a spin goes without a turn of the event loop. */
const ROUND_MS = 1;
/** One wait in 32 (a mask) is a probe that spins the longest. */
const PROBE_EVERY = 31;
/** The fewest checks a learned budget keeps. */
const MIN_CHECKS = 16;

/** What `Spinner.spin` says to do next. */
export const Spin = { PARK: 0, AGAIN: 1, TURN: 2 };

/**
 * How long to re-check before parking, learned from the last waits (after
 * crossbeam's Backoff and rayon's sleep):
 *
 *   spin() --AGAIN--> re-check ... --TURN--> (a turn of the event loop) --> spin() ...
 *     |                                  \--PARK--> park; budget / 2 (>= 16 checks)
 *     +-- work found: found() -> budget * 2 (<= max)
 *
 * Every 32 checks the spinner offers its core to other runnable threads: with
 * more busy threads than cores it keeps yielding its share and stays ready,
 * where parking would add a wake-up that waits for a core. A relax can cost
 * a whole time slice, though, so the wall time of a spin is bounded another
 * way: every 1 ms the caller gets TURN and lets its event loop run (timers,
 * I/O) before it spins on. Without that, a spin of a few thousand checks
 * kept the host's event loop away for 100 ms while a worker ran a long task
 * on the same core, and timers and timeouts fired late.
 *
 * One wait in 32 probes the longest spin: when every spin ends in a park
 * (both sides parking on every call), no spin can succeed to grow the budget
 * again, and every call would pay a wake-up. `maxMicroseconds`, when given,
 * also caps each spin's own time (`worker.timers.spinMicroseconds`).
 */
export class Spinner {
  constructor(maxChecks, maxMicroseconds = Infinity) {
    this.maxChecks = maxChecks;
    this.budget = maxChecks;
    /** This wait's limit: the budget, or the longest spin for a probe. */
    this.limit = maxChecks;
    this.maxMs = maxMicroseconds / 1000;
    this.waits = 0;
    this.checks = 0;
    this.start = 0;
    this.roundStart = 0;
  }

  /** One more empty check: AGAIN to re-check, TURN to let the event loop run first, PARK. */
  spin() {
    const n = ++this.checks;
    if (n === 1) {
      this.limit = (++this.waits & PROBE_EVERY) === 0 ? this.maxChecks : this.budget;
      return Spin.AGAIN;
    }
    if (n >= this.limit) return Spin.PARK;
    if ((n & RELAX_EVERY) === 0) op_knitting_yield_thread();
    if ((n & CLOCK_EVERY) !== 0) return Spin.AGAIN;
    // The clock starts at the first look (most waits end before it: a
    // round trip takes a few checks, and reading the clock is an op).
    const now = op_knitting_now();
    if (this.start === 0) {
      this.start = this.roundStart = now;
      return Spin.AGAIN;
    }
    if (now - this.start >= this.maxMs) return Spin.PARK;
    if (now - this.roundStart >= ROUND_MS) {
      this.roundStart = now;
      return Spin.TURN;
    }
    return Spin.AGAIN;
  }

  /** The wait ended with work before parking. */
  found() {
    if (this.checks > 0) {
      const grown = (this.budget > this.limit ? this.budget : this.limit) * 2;
      this.budget = grown < this.maxChecks ? grown : this.maxChecks;
      this.checks = 0;
      this.start = 0;
    }
  }

  /** The wait ended in a park. */
  parked() {
    this.budget = this.budget > 2 * MIN_CHECKS ? this.budget >> 1 : MIN_CHECKS;
    this.checks = 0;
    this.start = 0;
  }
}
