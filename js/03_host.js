// The host side of a pool: dispatch calls into request rings, drain
// response rings, park on the pool's doorbell when nothing is due.
// The protocol (who writes which word, why no wake-up is lost) is in PROTOCOL.md.
import {
  op_knitting_host_park,
  op_knitting_lane_buffer,
  op_knitting_lane_failure,
  op_knitting_pool_create,
  op_knitting_pool_shutdown,
  op_knitting_wake_worker,
  op_knitting_yield,
} from "ext:core/ops";
import { decode, encode } from "ext:deno_knitting/01_codec.js";
import { copyFrame, L, LaneView, requestSlot, responseSlot, scratchSlot, writeHeader } from "ext:deno_knitting/02_mailbox.js";

/** Iterations the host re-checks the response rings before parking (tens of µs). */
const HOST_SPIN = 2000;
/** Busy pump iterations between visits to the event loop, so timers and I/O still run under load. */
const YIELD_EVERY = 64;

export class PoolClosedError extends Error {
  constructor(message) {
    super(message);
    this.name = "PoolClosedError";
  }
}

export class WorkerCrashedError extends Error {
  constructor(message) {
    super(message);
    this.name = "WorkerCrashedError";
  }
}

class HostLane {
  constructor(pool, index) {
    this.pool = pool;
    this.index = index;
    this.view = new LaneView(op_knitting_lane_buffer(pool, index));
    this.reqTail = Atomics.load(this.view.i32, L.reqTail);
    this.reqHeadSeen = this.reqTail;
    this.resHead = Atomics.load(this.view.i32, L.resHead);
    this.inflight = 0;
    /** Frames encoded but not yet published: the ring was full. */
    this.backlog = [];
    this.failure = null;
  }

  freeSlots() {
    let free = L.slots - ((this.reqTail - this.reqHeadSeen) | 0);
    if (free === 0) {
      this.reqHeadSeen = Atomics.load(this.view.i32, L.reqHead);
      free = L.slots - ((this.reqTail - this.reqHeadSeen) | 0);
    }
    return free;
  }

  /** Encode and publish one call, or keep it encoded in the backlog. Throws if the argument cannot be sent. */
  submit(id, fn, arg) {
    if (this.backlog.length === 0 && this.freeSlots() > 0) {
      const at = requestSlot(this.reqTail);
      encode(arg, this.view, at, this.pool, this.index);
      writeHeader(this.view, at, id, fn);
      this.reqTail = (this.reqTail + 1) | 0;
      Atomics.store(this.view.i32, L.reqTail, this.reqTail);
      this.wakeWorker();
    } else {
      const scratch = scratchSlot();
      encode(arg, scratch, 0, this.pool, this.index);
      writeHeader(scratch, 0, id, fn);
      this.backlog.push(scratch);
      Atomics.store(this.view.i32, L.reqBacklog, 1);
    }
  }

  /** Publish as much of the backlog as fits; returns how many went. */
  flushBacklog() {
    let sent = 0;
    while (sent < this.backlog.length && this.freeSlots() > 0) {
      copyFrame(this.view, requestSlot(this.reqTail), this.backlog[sent++]);
      this.reqTail = (this.reqTail + 1) | 0;
    }
    if (sent === 0) return 0;
    this.backlog.splice(0, sent);
    const i32 = this.view.i32;
    if (this.backlog.length === 0) Atomics.store(i32, L.reqBacklog, 0);
    Atomics.store(i32, L.reqTail, this.reqTail);
    this.wakeWorker();
    return sent;
  }

  wakeWorker() {
    const i32 = this.view.i32;
    if (
      Atomics.load(i32, L.workerState) === L.workerParked &&
      Atomics.compareExchange(i32, L.workerState, L.workerParked, L.workerRunning) === L.workerParked
    ) {
      op_knitting_wake_worker(this.pool, this.index);
    }
  }

  hasResponses() {
    return Atomics.load(this.view.i32, L.resTail) !== this.resHead;
  }

  isDead() {
    return Atomics.load(this.view.i32, L.laneState) === L.laneDead;
  }
}

export class HostPool {
  #id;
  #lanes;
  // Per call id: its resolvers and lane; ids are reused.
  #resolve = [];
  #reject = [];
  #laneOf = [];
  #freeIds = [];
  #inflight = 0;
  #pumping = false;
  #closed = false;
  #shutdown = null;

  constructor(threads, tasks, worker) {
    this.#id = op_knitting_pool_create({ threads, tasks, worker });
    this.#lanes = [];
    for (let i = 0; i < threads; i++) this.#lanes.push(new HostLane(this.#id, i));
  }

  call(fn, arg) {
    if (this.#closed) return Promise.reject(new PoolClosedError("Pool is shut down"));
    if (arg instanceof Promise) return arg.then((value) => this.call(fn, value));
    const lane = this.#pickLane();
    if (lane === null) return Promise.reject(this.#lanes[0].failure);
    const id = this.#freeIds.length > 0 ? this.#freeIds.pop() : this.#resolve.length;
    let resolve, reject;
    const promise = new Promise((res, rej) => {
      resolve = res;
      reject = rej;
    });
    try {
      lane.submit(id, fn, arg);
    } catch (error) {
      this.#freeIds.push(id);
      return Promise.reject(error);
    }
    this.#resolve[id] = resolve;
    this.#reject[id] = reject;
    this.#laneOf[id] = lane;
    lane.inflight++;
    if (this.#inflight++ === 0 && !this.#pumping) this.#pump();
    return promise;
  }

  // The live lane with the fewest calls in flight; ties go to the lowest
  // index, so sequential calls stay on a worker that is still spinning.
  #pickLane() {
    let best = null;
    for (const lane of this.#lanes) {
      if (lane.failure !== null) continue;
      if (lane.isDead()) {
        this.#buryLane(lane);
        continue;
      }
      if (best === null || lane.inflight < best.inflight) best = lane;
      if (best.inflight === 0) break;
    }
    return best;
  }

  #settle(id, ok, value) {
    const resolve = this.#resolve[id];
    if (resolve === undefined) return; // already rejected (lane died or pool closed)
    const reject = this.#reject[id];
    this.#resolve[id] = this.#reject[id] = undefined;
    this.#laneOf[id].inflight--;
    this.#laneOf[id] = undefined;
    this.#freeIds.push(id);
    this.#inflight--;
    if (ok) resolve(value);
    else reject(value);
  }

  #drainLane(lane) {
    const { view } = lane;
    const tail = Atomics.load(view.i32, L.resTail);
    let head = lane.resHead;
    if (head === tail) return 0;
    let settled = 0;
    while (head !== tail) {
      const at = responseSlot(head);
      const id = view.u32[at >> 2];
      let ok = view.u32[(at >> 2) + 1] === 0;
      let value;
      try {
        value = decode(view, at, this.#id, lane.index);
      } catch (error) {
        ok = false;
        value = error;
      }
      head = (head + 1) | 0;
      settled++;
      this.#settle(id, ok, value);
    }
    lane.resHead = head;
    Atomics.store(view.i32, L.resHead, head);
    if (Atomics.load(view.i32, L.resBacklog) === 1) lane.wakeWorker();
    return settled;
  }

  #buryLane(lane) {
    const reason = op_knitting_lane_failure(this.#id, lane.index) || "the worker stopped";
    lane.failure = new WorkerCrashedError(`Knitting worker ${lane.index} failed: ${reason}`);
    lane.backlog.length = 0;
    for (let id = 0; id < this.#laneOf.length; id++) {
      if (this.#laneOf[id] === lane) this.#settle(id, false, lane.failure);
    }
  }

  /** One pass over every lane; returns how much progressed. */
  #drainAll() {
    let progress = 0;
    for (const lane of this.#lanes) {
      if (lane.inflight === 0) continue;
      progress += this.#drainLane(lane);
      if (lane.backlog.length > 0) progress += lane.flushBacklog();
      if (lane.failure === null && lane.isDead()) {
        progress += this.#drainLane(lane) + 1;
        this.#buryLane(lane);
      }
    }
    return progress;
  }

  #anythingDue() {
    for (const lane of this.#lanes) {
      if (lane.inflight === 0) continue;
      if (lane.hasResponses() || lane.isDead() || (lane.backlog.length > 0 && lane.freeSlots() > 0)) return true;
    }
    return false;
  }

  #setHostParked(value) {
    for (const lane of this.#lanes) {
      if (lane.inflight > 0 || value === 0) Atomics.store(lane.view.i32, L.hostParked, value);
    }
  }

  // Runs while calls are in flight: drain, spin briefly, then park until a
  // worker rings. Only this loop keeps the event loop alive, and only while
  // there is something to wait for.
  async #pump() {
    this.#pumping = true;
    try {
      await null; // let the caller finish its synchronous burst of calls first
      let spins = 0;
      let busy = 0;
      while (this.#inflight > 0 && !this.#closed) {
        if (this.#drainAll() > 0) {
          spins = 0;
          if (++busy === YIELD_EVERY) {
            busy = 0;
            await op_knitting_yield();
          } else {
            await null; // resolved callers run now and may call again
          }
          continue;
        }
        if (++spins < HOST_SPIN) continue;
        this.#setHostParked(1);
        if (!this.#anythingDue()) await op_knitting_host_park(this.#id);
        this.#setHostParked(0);
        spins = 0;
      }
    } catch (error) {
      // A bug in the pump must not strand calls: fail them loudly instead.
      for (let id = 0; id < this.#resolve.length; id++) this.#settle(id, false, error);
    } finally {
      this.#pumping = false;
    }
  }

  shutdown() {
    if (this.#shutdown !== null) return this.#shutdown;
    this.#closed = true;
    const closed = new PoolClosedError("The pool was shut down before this call finished");
    for (let id = 0; id < this.#resolve.length; id++) this.#settle(id, false, closed);
    this.#shutdown = op_knitting_pool_shutdown(this.#id);
    return this.#shutdown;
  }
}
