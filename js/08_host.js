// The host side of a pool: calls go into request rings, replies come out of
// response rings; the pump drains them while calls are live and parks on the
// pool's doorbell when nothing is due. PROTOCOL.md has the wire protocol.
//
// A call's life: LIVE from `call()` until its promise settles (a reply, a
// timeout, `.reject(reason)`, its worker's death, shutdown). A call that
// settled before its reply keeps its id until the reply comes or its worker
// dies, so a late reply can never settle another call; ids also carry a
// generation, so a stale reply is recognised and dropped.
import {
  op_knitting_host_park,
  op_knitting_lane_failure,
  op_knitting_lane_interrupt,
  op_knitting_lane_respawn,
  op_knitting_now,
  op_knitting_pool_create,
  op_knitting_pool_shutdown,
  op_knitting_turn_event_loop,
} from "ext:core/ops";
import { core } from "ext:core/mod.js";
import {
  FULL_PASS_EVERY,
  HEADER_ID,
  HEADER_WORD,
  L,
  responseMicros,
  responseStatus,
  Spin,
  Spinner,
} from "ext:deno_knitting/01_lane.js";
import { decode } from "ext:deno_knitting/02_codec.js";
import { HostLane, LIVE, newCall, SETTLED } from "ext:deno_knitting/07_host_lane.js";
import { poolStats, SAMPLE_EVERY } from "ext:deno_knitting/06_host_stats.js";
import {
  AbortSignalPoolExhaustedError,
  HardTimeoutError,
  PoolClosedError,
  TaskTimeoutError,
  WorkerCrashedError,
} from "ext:deno_knitting/00_values.js";
import { debugLogger, logPoolSetup, poolSpec } from "ext:deno_knitting/03_options.js";
import { anyLane, balancer } from "ext:deno_knitting/04_balance.js";
import { InlineLane } from "ext:deno_knitting/05_inline.js";

/** At most this many re-checks of the response rings before parking. */
const HOST_SPIN = 2000;
/** Busy pump iterations between visits to the event loop, so timers and I/O still run under load. */
const YIELD_EVERY = 64;
const INDEX_BITS = 22;
const INDEX_MASK = (1 << INDEX_BITS) - 1;
const GENERATIONS = 1023; // (gen << 22 | index) + 1 never overflows u32

/** A timer on the runtime's clock (one clock for the whole process: the host's). */
function after(ms, callback) {
  return core.createTimer(callback, ms, undefined, false, true);
}

export class HostPool {
  #id;
  #lanes;
  #tasks;
  #options;
  #log;
  #calls = [];
  #generations = [];
  #freeIds = [];
  /** LIVE calls dispatched to a worker lane (what the pump works for). */
  #live = 0;
  /** LIVE calls on the inline lane. */
  #liveInline = 0;
  /** The host as a lane (`inliner`), or null. */
  #inline = null;
  /** What the balancer chooses from once the inliner's threshold is reached. */
  #allLanes;
  /** Lanes interrupted and not yet seen dead: the pump watches them. */
  #watching = 0;
  #pumping = false;
  #accepting = true;
  #closed = false;
  #shutdown = null;
  #drainWaiters = [];
  #cursor = { next: 0 };
  /** The balancer: `(lanes, cursor)` -> lane. */
  #choose;
  #spin = new Spinner(HOST_SPIN);
  /** Calls sent to workers (one in SAMPLE_EVERY is timed), and the inline lane's answers. */
  #dispatched = 0;
  #inlineCompleted = 0;
  #inlineFailed = 0;
  #startedAt = op_knitting_now();
  /** Workers take requests queued behind a busy peer. */
  #steal;

  /** `tasks`: per call index { key, url, at, timeout, abortSignal }; `options` from normalizePoolOptions. */
  constructor(tasks, options) {
    this.#tasks = tasks;
    this.#options = options;
    this.#log = debugLogger(options.debug, "host");
    const abortSlots = tasks.some((t) => t.abortSignal) ? options.abortSignalCapacity : 0;
    this.#steal = options.steal;
    this.#choose = balancer(options.balancer);
    this.#id = op_knitting_pool_create(poolSpec(tasks, options, abortSlots));
    this.#lanes = [];
    for (let i = 0; i < options.threads; i++) this.#lanes.push(new HostLane(this.#id, i, abortSlots));
    this.#allLanes = this.#lanes;
    if (options.inliner !== null) {
      this.#inline = new InlineLane(options.inliner.batchSize, (c, ok, value) => {
        if (ok) this.#inlineCompleted++;
        else this.#inlineFailed++;
        this.#finish(c, ok, value);
        this.#release(c);
      });
      this.#allLanes =
        options.inliner.position === "first" ? [this.#inline, ...this.#lanes] : [...this.#lanes, this.#inline];
    }
    if (this.#log) logPoolSetup(this.#log, this.#id, options, tasks);
  }

  get id() {
    return this.#id;
  }

  call(fn, arg) {
    if (!this.#accepting) return Promise.reject(new PoolClosedError("Pool is shut down"));
    const task = this.#tasks[fn];
    let index = this.#freeIds.pop();
    if (index === undefined) {
      index = this.#calls.length;
      if (index > INDEX_MASK) return Promise.reject(new RangeError("Knitting: more than 4M calls in flight"));
      this.#generations.push(0);
    }
    const c = newCall(((this.#generations[index] << INDEX_BITS) | index) >>> 0, fn, task);
    this.#calls[index] = c;
    const { promise, resolve, reject } = Promise.withResolvers();
    c.resolve = resolve;
    c.reject = reject;
    // `.reject()` and `.reject(undefined)` only raise the flag (as upstream);
    // a reason rejects the call at once.
    if (task.abortSignal) /** @type {any} */ (promise).reject = (reason) => this.#abort(c, reason);
    let isPromise;
    try {
      isPromise = arg instanceof Promise;
    } catch (error) {
      // A Proxy whose getPrototypeOf trap throws: only this call fails (it
      // is registered already, so it must settle, not throw).
      this.#settleUnsent(c, false, error);
      return promise;
    }
    if (isPromise) {
      // The argument settles first; a rejection rejects the call unsent.
      arg.then(
        (value) => this.#dispatch(c, value),
        (error) => this.#settleUnsent(c, false, error),
      );
    } else {
      this.#dispatch(c, arg);
    }
    return promise;
  }

  #dispatch(c, arg) {
    if (c.state !== LIVE) return this.#release(c);
    if (this.#closed) return this.#settleUnsent(c, false, new PoolClosedError("Pool is shut down"));
    const lane = this.#pick(c);
    if (lane === null) return this.#settleUnsent(c, false, this.#lanes[0].failure);
    if (lane === this.#inline) return this.#dispatchInline(c, arg);
    if (c.task.abortSignal) {
      const signal = lane.signals.pop();
      if (signal === undefined) {
        const capacity = this.#options.abortSignalCapacity;
        return this.#settleUnsent(
          c,
          false,
          new AbortSignalPoolExhaustedError(
            `all ${capacity} abort signal slots of worker ${lane.index} are in use (abortSignalCapacity)`,
          ),
        );
      }
      c.signal = signal;
      c.signalLane = lane;
      lane.clearAbortBit(signal);
      if (c.abortRequested) lane.setAbortBit(signal);
    }
    c.lane = lane;
    c.arg = arg;
    if ((++this.#dispatched & (SAMPLE_EVERY - 1)) === 0) c.sentAt = op_knitting_now();
    if (c.task.timeout !== null || this.#options.hardTimeoutMs !== null) {
      if (lane.isReady()) this.#startTimers(c);
      else lane.untimed.push(c);
    }
    lane.inflight++;
    this.#live++;
    this.#log?.("signals", `call ${c.id} ${c.task.key} -> worker ${lane.index}`);
    if (lane.backlog.length === 0 && !lane.respawning && lane.requests.free() > 0) {
      let written;
      try {
        written = lane.write(c);
      } catch (error) {
        return this.#settleUnsent(c, false, error);
      }
      if (written) lane.publish();
      else lane.backlog.push(c);
    } else {
      lane.backlog.push(c);
      lane.requests.setBacklog(true);
    }
    if (!this.#pumping) this.#pump();
  }

  // Timeouts count from when a ready worker can take the call: waiting for
  // an argument Promise or for a worker to start does not use them up.
  #startTimers(c) {
    if (c.state !== LIVE) return;
    if (c.task.timeout !== null) c.timer = after(c.task.timeout.ms, () => this.#onTimeout(c));
    if (this.#options.hardTimeoutMs !== null) {
      c.hardTimer = after(this.#options.hardTimeoutMs, () => this.#onHardTimeout(c));
    }
  }

  #pick(c) {
    // The inline lane is a candidate only past the inliner's threshold, and
    // never for imported tasks (their module is loaded in workers only).
    const inline =
      this.#inline !== null &&
      !c.task.imported &&
      this.#live + this.#liveInline + 1 >= this.#options.inliner.dispatchThreshold;
    const lanes = inline ? this.#allLanes : this.#lanes;
    let lane = this.#choose(lanes, this.#cursor) ?? anyLane(lanes);
    // A worker that died while the pool was idle is noticed here, so the
    // call goes to a live one (burying starts its replacement).
    while (lane !== null && lane !== this.#inline && lane.failure === null && !lane.respawning && lane.isDead()) {
      this.#buryLane(lane);
      lane = this.#choose(lanes, this.#cursor) ?? anyLane(lanes);
    }
    return lane;
  }

  #dispatchInline(c, arg) {
    const lane = this.#inline;
    c.lane = lane;
    c.sent = true; // settled early, it still runs to completion before release
    lane.inflight++;
    this.#liveInline++;
    if (c.task.timeout !== null || this.#options.hardTimeoutMs !== null) this.#startTimers(c);
    this.#log?.("signals", `call ${c.id} ${c.task.key} -> inline`);
    lane.submit(c, arg);
  }

  /** Settle the caller's promise (once). */
  #finish(c, ok, value) {
    if (c.state !== LIVE) return;
    c.state = SETTLED;
    if (c.timer !== null) core.cancelTimer(c.timer);
    if (c.hardTimer !== null) core.cancelTimer(c.hardTimer);
    if (c.lane !== null) {
      if (c.lane === this.#inline) this.#liveInline--;
      else this.#live--;
      if (this.#drainWaiters.length > 0 && this.#live + this.#liveInline === 0) {
        this.#drainWaiters.splice(0).forEach((wake) => wake());
      }
    }
    if (ok) c.resolve(value);
    else c.reject(value);
  }

  /** Free the call's id, lane share and abort slot (its worker will not mention it again). */
  #release(c) {
    c.arg = undefined;
    const index = c.id & INDEX_MASK;
    if (this.#calls[index] !== c) return;
    this.#calls[index] = undefined;
    this.#generations[index] = (this.#generations[index] + 1) % GENERATIONS;
    this.#freeIds.push(index);
    if (c.lane !== null) {
      c.lane.inflight--;
      if (c.signal >= 0) c.signalLane.signals.push(c.signal);
    }
  }

  /** Settle a call its worker has not seen (and never will). */
  #settleUnsent(c, ok, value) {
    if (c.lane !== null && !c.sent) {
      const at = c.lane.backlog.indexOf(c);
      if (at >= 0) c.lane.backlog.splice(at, 1);
    }
    this.#finish(c, ok, value);
    if (!c.sent) this.#release(c);
  }

  /** Settle early (timeout, abort): a sent call keeps its id until the reply. */
  #settleEarly(c, ok, value) {
    if (c.sent) this.#finish(c, ok, value);
    else this.#settleUnsent(c, ok, value);
  }

  #abort(c, reason) {
    if (c.state !== LIVE) return;
    c.abortRequested = true;
    if (c.signal >= 0) c.signalLane.setAbortBit(c.signal);
    this.#log?.("signals", `abort ${c.id} ${c.task.key}${reason !== undefined ? " (rejected now)" : ""}`);
    if (reason !== undefined) this.#settleEarly(c, false, reason);
  }

  #onTimeout(c) {
    c.timer = null;
    if (c.state !== LIVE) return;
    const { ms, ok, value } = c.task.timeout;
    if (c.signal >= 0) c.signalLane.setAbortBit(c.signal);
    const stuck = c.sent && c.lane !== this.#inline && !c.lane.respawning && c.lane.isRunning(c);
    this.#log?.("signals", `timeout ${c.id} ${c.task.key} after ${ms} ms${stuck ? " (interrupting its worker)" : ""}`);
    const outcome =
      ok || value !== undefined
        ? value
        : new TaskTimeoutError(`Task timeout: ${c.task.key} did not finish within ${ms} ms`);
    const lane = c.lane;
    this.#settleEarly(c, ok, outcome);
    if (stuck) {
      this.#interrupt(
        lane,
        `task ${c.task.key} was still running synchronously when its ${ms} ms timeout fired; ` +
          `the worker was stopped and replaced`,
      );
    }
  }

  #onHardTimeout(c) {
    c.hardTimer = null;
    if (c.state !== LIVE) return;
    const ms = this.#options.hardTimeoutMs;
    const lane = c.lane;
    const sent = c.sent;
    this.#settleEarly(
      c,
      false,
      new HardTimeoutError(`Task hard timeout after ${ms}ms (${c.task.key}); its worker was stopped and replaced`),
    );
    if (sent && lane !== this.#inline && !lane.respawning) {
      this.#interrupt(lane, `task ${c.task.key} ran past worker.hardTimeoutMs (${ms} ms); the worker was stopped`);
    }
  }

  #interrupt(lane, reason) {
    if (lane.watched) return;
    lane.watched = true;
    this.#watching++;
    op_knitting_lane_interrupt(this.#id, lane.index, reason);
    if (!this.#pumping) this.#pump();
  }

  #drainLane(lane) {
    const { view, responses } = lane;
    let head = responses.head;
    // Ordering: the tail is loaded before the slots it covers are read.
    const tail = responses.tail();
    if (head === tail) return 0;
    let settled = 0;
    const u32 = view.u32;
    while (head !== tail) {
      const at = responses.slot(head);
      const id = u32[(at >> 2) + HEADER_ID];
      const word = u32[(at >> 2) + HEADER_WORD];
      const status = responseStatus(word);
      head = (head + 1) | 0;
      settled++;
      const c = this.#calls[id & INDEX_MASK];
      const ours = c !== undefined && c.id === id;
      if (status === L.statusMoved) {
        // This lane's worker took the call from another lane's ring.
        if (ours && c.lane !== lane) {
          lane.stats.stolen++;
          c.lane.inflight--;
          lane.inflight++;
          c.lane = lane;
          this.#log?.("signals", `call ${id} ${c.task.key} taken by worker ${lane.index}`);
        }
        continue;
      }
      let ok = status === L.statusOk;
      let value;
      try {
        value = decode(view, at, this.#id, lane.index);
      } catch (error) {
        ok = false;
        value = error;
      }
      if (ours) {
        if (ok) lane.stats.completed++;
        else lane.stats.failed++;
        if (c.sentAt !== 0) {
          const micros = responseMicros(word);
          if (micros >= 0) lane.stats.timed((op_knitting_now() - c.sentAt) * 1000, micros);
        }
        this.#log?.("signals", `reply ${id} ${c.task.key} ${ok ? "ok" : "threw"} from worker ${lane.index}`);
        this.#finish(c, ok, value);
        this.#release(c);
      }
    }
    // Every reply is decoded (copied out): the slots go back.
    responses.release(head);
    if (responses.producerWaits()) lane.wakeWorker();
    return settled;
  }

  /** Publish as much of a lane's backlog as fits; returns how many went. */
  #flushBacklog(lane) {
    if (lane.respawning) return 0;
    let sent = 0;
    while (lane.backlog.length > sent && lane.requests.free() > 0) {
      const c = lane.backlog[sent];
      let written;
      try {
        written = lane.write(c);
      } catch (error) {
        lane.backlog.splice(sent, 1);
        this.#finish(c, false, error);
        this.#release(c);
        continue;
      }
      if (!written) break;
      sent++;
    }
    if (sent === 0) return 0;
    lane.backlog.splice(0, sent);
    if (lane.backlog.length === 0) lane.requests.setBacklog(false);
    lane.publish();
    return sent;
  }

  // The lane's worker died: what it had sent is answered, what it held is
  // rejected, and a new worker is started; calls still queued go to it.
  #buryLane(lane) {
    // Shutting down: its calls reject with the pool's closing (a worker
    // abandoned there dies too), not as a crash, and nothing is replaced.
    if (this.#closed) return;
    // Every lane first: a peer may have taken some of its calls (MOVED).
    for (const other of this.#lanes) if (!other.respawning && other.failure === null) this.#drainLane(other);
    const reason = op_knitting_lane_failure(this.#id, lane.index) || "the worker stopped";
    const crash = new WorkerCrashedError(`Knitting worker ${lane.index} crashed: ${reason}`);
    this.#log?.("lifecycle", `worker ${lane.index} died: ${reason}`);
    if (lane.watched) {
      lane.watched = false;
      this.#watching--;
    }
    // What the worker claimed may have run, so it fails; the rest goes to
    // its successor.
    for (const c of lane.takeBack(this.#calls)) {
      this.#finish(c, false, crash);
      this.#release(c);
    }
    lane.untimed = lane.untimed.filter((c) => c.state === LIVE);
    if (this.#closed) return;
    lane.respawning = true;
    op_knitting_lane_respawn(this.#id, lane.index).then(
      (replaced) => {
        lane.respawning = false;
        if (this.#closed) return;
        if (replaced) {
          lane.renew();
          for (const c of lane.backlog) if (c.signal >= 0 && c.abortRequested) c.signalLane.setAbortBit(c.signal);
          this.#log?.("lifecycle", `worker ${lane.index} replaced`);
        } else {
          lane.failure = crash;
          this.#log?.("lifecycle", `worker ${lane.index} keeps failing to start; lane retired`);
          for (const c of lane.backlog.splice(0)) this.#settleUnsent(c, false, crash);
          return;
        }
        if (lane.backlog.length > 0 && !this.#pumping) this.#pump();
      },
      (error) => {
        lane.respawning = false;
        lane.failure = new WorkerCrashedError(`Knitting worker ${lane.index} could not be replaced: ${error}`);
      },
    );
  }

  /** One pass over every lane; returns how much progressed. */
  #drainAll() {
    let progress = 0;
    for (const lane of this.#lanes) {
      if (lane.failure !== null || lane.respawning) continue;
      if (lane.inflight === 0 && !lane.watched && !this.#steal) continue;
      if (lane.untimed.length > 0 && lane.isReady()) {
        for (const c of lane.untimed.splice(0)) this.#startTimers(c);
      }
      progress += this.#drainLane(lane);
      if (lane.backlog.length > 0) progress += this.#flushBacklog(lane);
      if (lane.isDead()) {
        this.#buryLane(lane);
        progress++;
      }
    }
    return progress;
  }

  #anythingDue() {
    for (const lane of this.#lanes) {
      if (lane.failure !== null || lane.respawning || (lane.inflight === 0 && !lane.watched && !this.#steal)) continue;
      if (lane.hasResponses() || lane.isDead() || (lane.backlog.length > 0 && lane.requests.free() > 0)) return true;
      if (lane.untimed.length > 0 && lane.isReady()) return true;
    }
    return false;
  }

  /**
   * Spin until a reply may be there: the spin looks only at the response
   * tails of lanes with calls in flight (a check costs a load per lane, not a
   * full pass); every 16 checks it ends anyway, for the full pass (deaths,
   * backlogs, stealing peers' replies, timers started).
   */
  #spinForReplies() {
    const lanes = this.#lanes;
    const steal = this.#steal;
    for (;;) {
      const next = this.#spin.spin();
      if (next !== Spin.AGAIN || (this.#spin.checks & FULL_PASS_EVERY) === 0) return next;
      for (let i = 0; i < lanes.length; i++) {
        const lane = lanes[i];
        if ((lane.inflight > 0 || steal) && lane.responses.hasNew()) return Spin.AGAIN;
      }
    }
  }

  /** A lane with calls in flight whose worker is up (it can answer without a wake-up of ours). */
  #anyWorkerAnswering() {
    for (const lane of this.#lanes) {
      if (lane.inflight > 0 && lane.isReady()) return true;
    }
    return false;
  }

  /** The sleeper's half of the handshake (PROTOCOL.md, "Waking: host"):
   *  stored before the pump re-checks every ring, so a worker that publishes
   *  after that check sees the flag and rings. */
  #setHostParked(value) {
    for (const lane of this.#lanes) Atomics.store(lane.view.i32, L.hostParked, value);
  }

  #wanted() {
    return (this.#live > 0 || this.#watching > 0) && !this.#closed;
  }

  // Runs while calls are live: drain, spin briefly, then park until a worker
  // rings. Only this loop keeps the event loop alive, and only while there
  // is something to wait for.
  async #pump() {
    this.#pumping = true;
    try {
      await null; // let the caller finish its synchronous burst of calls first
      let busy = 0;
      while (this.#wanted()) {
        if (this.#drainAll() > 0) {
          this.#spin.found();
          if (++busy === YIELD_EVERY) {
            busy = 0;
            await op_knitting_turn_event_loop();
          } else {
            await null; // resolved callers run now and may call again
          }
          continue;
        }
        if (this.#lanes.some((lane) => lane.respawning && lane.backlog.length > 0)) {
          // A replacement worker is starting: wait on the event loop, not a spin.
          await op_knitting_turn_event_loop();
          continue;
        }
        // Spin only when a ready worker may answer soon; workers that are
        // still starting need the cores more (they ring when ready), and
        // parking for them says nothing about how long to spin.
        const spinning = this.#spin.checks > 0;
        if (spinning || this.#anyWorkerAnswering()) {
          const next = this.#spinForReplies();
          if (next === Spin.AGAIN) continue;
          if (next === Spin.TURN) {
            // Timers and I/O run between spin rounds.
            await op_knitting_turn_event_loop();
            continue;
          }
        }
        this.#setHostParked(1);
        if (!this.#anythingDue()) await op_knitting_host_park(this.#id);
        this.#setHostParked(0);
        if (spinning) this.#spin.parked();
      }
    } catch (error) {
      // A bug in the pump must not strand calls: fail them loudly instead.
      for (const c of this.#calls) if (c !== undefined) this.#finish(c, false, error);
    } finally {
      this.#pumping = false;
    }
  }

  /** What `pool.stats()` returns (types/knitting.d.ts, `PoolStats`). */
  stats() {
    const inline =
      this.#inline === null
        ? null
        : { inFlight: this.#inline.inflight, completed: this.#inlineCompleted, failed: this.#inlineFailed };
    return poolStats(this.#lanes, inline, op_knitting_now() - this.#startedAt);
  }

  /**
   * Stop taking calls; after `delayMs` (and, with `drain`, once every live
   * call has settled) reject what is left and end the workers. Idempotent.
   */
  shutdown({ delayMs = 0, drain = false } = {}) {
    if (this.#shutdown !== null) return this.#shutdown;
    this.#accepting = false;
    this.#shutdown = (async () => {
      if (delayMs > 0) await new Promise((wake) => after(Math.floor(delayMs), wake));
      if (drain && this.#live + this.#liveInline > 0) await new Promise((wake) => this.#drainWaiters.push(wake));
      this.#closed = true;
      this.#log?.("lifecycle", `pool ${this.#id} shut down`);
      await op_knitting_pool_shutdown(this.#id);
      // Calls still pending reject now, in the turn that resolves shutdown(),
      // so code that attaches their handlers right after `await shutdown()`
      // (as code written for the original does) has no unhandled rejection.
      const closed = new PoolClosedError("Thread closed: the pool was shut down before this call finished");
      for (const c of this.#calls) if (c !== undefined) this.#finish(c, false, closed);
    })();
    return this.#shutdown;
  }
}
