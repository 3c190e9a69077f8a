// One lane as the host sees it (the request ring it produces into, the
// response ring it drains, its backlog and abort slots), and one call's state.
import { op_knitting_lane_buffer, op_knitting_wake_worker } from "ext:core/ops";
import { core } from "ext:core/mod.js";
import {
  L,
  LaneView,
  packRequest,
  REQUESTS,
  RESPONSES,
  RingConsumer,
  RingProducer,
  shouldWake,
} from "ext:deno_knitting/01_lane.js";
import { encode } from "ext:deno_knitting/02_codec.js";
import { LaneStats } from "ext:deno_knitting/06_host_stats.js";

export const LIVE = 1;
export const SETTLED = 2;

/**
 * One call's state. A plain object literal: on QuickJS it is made ~40 %
 * faster than a class instance whose constructor adds the same fields.
 */
export function newCall(id, fn, task) {
  return {
    id,
    fn,
    task,
    state: LIVE,
    lane: null,
    sent: false,
    /** Ring position of the request once sent. */
    seq: 0,
    arg: undefined,
    signal: -1,
    /** The lane whose abort bitmap holds `signal` (the call may be stolen by another). */
    signalLane: null,
    abortRequested: false,
    timer: null,
    hardTimer: null,
    resolve: null,
    reject: null,
    /** When a timed call (pool.stats()) was dispatched (op_knitting_now()); 0: not timed. */
    sentAt: 0,
  };
}

export class HostLane {
  constructor(pool, index, abortSlots) {
    this.pool = pool;
    this.index = index;
    this.attach();
    /** Calls in flight or queued here (including settled ones awaiting their reply). */
    this.inflight = 0;
    /** Calls waiting for a ring slot or payload budget, in order; encoded when they go. */
    this.backlog = [];
    /** Set when the lane is dead for good (its worker keeps failing to start). */
    this.failure = null;
    this.respawning = false;
    /** Set while the host waits for the worker it interrupted to die. */
    this.watched = false;
    /** Calls whose timeouts wait for this lane's worker to be ready (start-up does not count). */
    this.untimed = [];
    /** For pool.stats(): kept across the workers the lane has had. */
    this.stats = new LaneStats();
    this.signals = [];
    for (let s = abortSlots - 1; s >= 0; s--) this.signals.push(s);
  }

  /** The lane's memory and ring counters: at start, and when a new worker
   *  took the lane (its memory is fresh when the old worker was abandoned). */
  attach() {
    this.view = new LaneView(op_knitting_lane_buffer(this.pool, this.index));
    this.requests = new RingProducer(this.view, REQUESTS);
    this.responses = new RingConsumer(this.view, RESPONSES);
  }

  /** A new worker took the lane; calls still queued here stay flagged. */
  renew() {
    this.attach();
    if (this.backlog.length > 0) this.requests.setBacklog(true);
  }

  /**
   * The lane's worker died. Of the calls it was sent (`calls`: the pool's
   * table), the live ones it never claimed go back to the front of the
   * backlog, in order, for its successor (their timeouts start again once
   * that one is ready). Returned for the pool to fail and release: the ones
   * it claimed (they may have run) and settled ones whose reply will not come.
   */
  takeBack(calls) {
    const claimed = this.requests.consumed();
    const resend = [];
    const gone = [];
    for (const c of calls) {
      if (c === undefined || c.lane !== this || !c.sent) continue;
      if (c.state !== LIVE || ((c.seq - claimed) | 0) < 0) {
        gone.push(c);
        continue;
      }
      c.sent = false;
      resend.push(c);
      if (c.timer !== null || c.hardTimer !== null) {
        if (c.timer !== null) core.cancelTimer(c.timer);
        if (c.hardTimer !== null) core.cancelTimer(c.hardTimer);
        c.timer = c.hardTimer = null;
        this.untimed.push(c);
      }
    }
    if (resend.length > 0) {
      resend.sort((a, b) => (a.seq - b.seq) | 0);
      this.backlog.unshift(...resend);
      this.requests.setBacklog(true);
    }
    return gone;
  }

  /** Encode one call into the next request slot; false when the payload budget says wait. Throws if unsendable. */
  write(call) {
    const requests = this.requests;
    const at = requests.slot();
    if (!encode(call.arg, this.view, at, this.pool, this.index)) return false;
    // The argument stays with the call until the reply: if the worker dies
    // before claiming the request, it is sent again to the next worker.
    call.seq = requests.tail;
    requests.commit(this.view, at, call.id, packRequest(call.fn, call.signal, call.sentAt !== 0));
    call.sent = true;
    return true;
  }

  /** Publish what was written and wake the worker if it parked. */
  publish() {
    if (this.requests.publish()) this.wakeWorker();
  }

  /** Ordering: after a publish, or after slots were freed for a waiting worker (PROTOCOL.md, "Waking: worker"). */
  wakeWorker() {
    if (shouldWake(this.view.i32, L.workerState, L.workerParked, L.workerRunning)) {
      op_knitting_wake_worker(this.pool, this.index);
    }
  }

  setAbortBit(signal) {
    Atomics.or(this.view.i32, L.abortBitmap + (signal >> 5), 1 << (signal & 31));
  }

  clearAbortBit(signal) {
    Atomics.and(this.view.i32, L.abortBitmap + (signal >> 5), ~(1 << (signal & 31)));
  }

  isRunning(call) {
    return Atomics.load(this.view.i32, L.running) === ((call.id + 1) | 0);
  }

  hasResponses() {
    return this.responses.tail() !== this.responses.head;
  }

  isDead() {
    return Atomics.load(this.view.i32, L.laneState) === L.laneDead;
  }

  isReady() {
    return !this.respawning && !this.watched && Atomics.load(this.view.i32, L.laneState) === L.laneReady;
  }
}
