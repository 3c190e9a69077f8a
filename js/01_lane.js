// The lane's shared memory and its protocol, for both sides (PROTOCOL.md):
// views over the SharedArrayBuffer Rust allocated, each ring's producer and
// consumer (the host produces requests and consumes responses, a worker the
// other way round: one implementation serves both), the request word, the
// wake-up handshake, and how long to spin before parking.
//
// Every shared word is read and written with `Atomics` (sequentially
// consistent); the comments at those lines name the ordering they keep.
// Counters are int32 in memory and wrap; `(a - b) | 0` is the distance.
import { op_knitting_layout, op_knitting_relax } from "ext:core/ops";

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

/** A slot's call id and its request word (a request) or status (a response). */
export function writeHeader(view, at, id, word) {
  const w = at >> 2;
  view.u32[w + HEADER_ID] = id;
  view.u32[w + HEADER_WORD] = word;
}

/** The request word: the task's index, and its abort slot + 1 (0: none). */
export function packRequest(task, signal) {
  return task | ((signal + 1) << 16);
}

export function requestTask(word) {
  return word & 0xffff;
}

export function requestSignal(word) {
  return (word >>> 16) - 1;
}

/** The words of each ring. */
export const REQUESTS = { tail: L.reqTail, head: L.reqHead, backlog: L.reqBacklog, base: L.reqRing };
export const RESPONSES = { tail: L.resTail, head: L.resHead, backlog: L.resBacklog, base: L.resRing };

/**
 * The one producer of a ring. It owns the slots from `tail` to the
 * consumer's head + slots; writes one, `advance()`s, and makes what it
 * wrote visible with `publish()`.
 */
export class RingProducer {
  /** The counters come from memory: a new worker's lane starts where the old one's left off. */
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

  /** That slot is written; the next one is next (not yet visible). */
  advance() {
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
  constructor(view, ring) {
    this.i32 = view.i32;
    this.ring = ring;
    this.base = ring.base;
    this.head = this.tailSeen = Atomics.load(view.i32, ring.head);
  }

  /** The producer's tail now. Ordering: loaded before the slots it covers are read. */
  tail() {
    return (this.tailSeen = Atomics.load(this.i32, this.ring.tail));
  }

  slot(counter) {
    return this.base + (counter & SLOT_MASK) * SLOT_BYTES;
  }

  /** Something to take (loads the tail only when the one seen is reached). */
  hasMore() {
    return this.head !== this.tailSeen || this.head !== this.tail();
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
    this.head = seen;
    if (((this.tailSeen - seen) | 0) < 0) this.tailSeen = seen;
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

  /** Nothing published is left to take (loads both counters; caches nothing). */
  isEmpty() {
    return Atomics.load(this.i32, this.ring.tail) === Atomics.load(this.i32, this.ring.head);
  }

  /**
   * The head as other consumers left it. The tail seen is raised to it:
   * others may have taken slots published after that tail was loaded, and
   * a head past the tail seen would look like a slot to take (one not
   * published yet, whose claim would succeed).
   */
  reloadHead() {
    const head = (this.head = Atomics.load(this.i32, this.ring.head));
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
 */
export function shouldWake(i32, word, asleep, awake) {
  return Atomics.load(i32, word) === asleep && Atomics.compareExchange(i32, word, asleep, awake) === asleep;
}

/** A spinner looks at the clock every 16 checks (a mask): the clock is an op. */
const CLOCK_EVERY = 15;
/** ...and offers its core to other runnable threads every 32 (a mask). */
const RELAX_EVERY = 31;
/** A relax that kept the spinner off its core this long (ms) means another
 *  thread needed the core: perhaps the very one it waits for. */
const DESCHEDULED_MS = 0.05;
/** One wait in 32 (a mask) is a probe that spins the longest. */
const PROBE_EVERY = 31;

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
 * never outlasts its budget (at most 200 µs, below a timer's 1 ms resolution),
 * the first relax that comes back late ends it (the core was needed, maybe
 * by the very thread we wait for), and parking turns the event loop.
 */
export class Spinner {
  constructor(maxMicroseconds, minMicroseconds = 2) {
    this.maxMs = maxMicroseconds / 1000;
    this.minMs = Math.min(this.maxMs, minMicroseconds / 1000);
    this.budgetMs = this.maxMs;
    /** This wait's limit: the budget, or the longest spin for a probe. */
    this.limitMs = this.maxMs;
    this.waits = 0;
    this.checks = 0;
    this.start = 0;
    /** The last spin ended because another thread needed the core. */
    this.cut = false;
  }

  /** One more empty check: true to re-check, false to park. */
  spin() {
    const n = ++this.checks;
    if (n === 1) {
      // Every 32nd wait spins the longest: when both sides park on every
      // call, each park lasts a wake-up of the other side, longer than any
      // spin, and only a probe shows that spinning would pay again.
      this.limitMs = (++this.waits & PROBE_EVERY) === 0 ? this.maxMs : this.budgetMs;
      return true;
    }
    if ((n & CLOCK_EVERY) !== 0) return true;
    let now = performance.now();
    // The clock starts at the first look (most waits end before it: a
    // round trip takes a few checks, and reading the clock is an op).
    if (this.start === 0) {
      this.start = now;
      return true;
    }
    if ((n & RELAX_EVERY) === 0) {
      op_knitting_relax();
      const back = performance.now();
      if (back - now > DESCHEDULED_MS) {
        this.cut = true;
        return false;
      }
      now = back;
    }
    return now - this.start < this.limitMs;
  }

  /** The wait ended with work before parking. */
  found() {
    if (this.checks > 0) this.budgetMs = Math.min(this.maxMs, Math.max(this.budgetMs, this.limitMs) * 2);
    this.checks = 0;
    this.start = 0;
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
    this.start = 0;
  }
}
