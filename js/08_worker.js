// The worker side of a lane: after start-up (06_worker_tasks.js) it serves:
// claim requests, run them, reply, publish, spin briefly, park. Its methods
// mirror the host's (08_host.js): the host produces requests and consumes
// replies, the worker consumes requests and produces replies, both through
// the one ring implementation in 01_lane.js. PROTOCOL.md has the protocol.
import {
  op_knitting_lane_buffer,
  op_knitting_now,
  op_knitting_turn_event_loop,
  op_knitting_wake_host,
  op_knitting_worker_init,
  op_knitting_worker_park,
  op_knitting_worker_ready,
} from "ext:core/ops";
import {
  announcePark,
  FULL_PASS_EVERY,
  HEADER_ID,
  HEADER_WORD,
  L,
  LaneView,
  requestSignal,
  requestTask,
  requestTimed,
  REQUESTS,
  RESPONSES,
  RingConsumer,
  RingProducer,
  shouldWake,
  SlotView,
  Spin,
  Spinner,
  timedStatus,
} from "ext:deno_knitting/01_lane.js";
import { decode, encode, encodeReason, isExternal } from "ext:deno_knitting/02_codec.js";
import { abortToolkit, guardWorker, loadTasks, runBootstrap, TASK_BRAND } from "ext:deno_knitting/06_worker_tasks.js";
import { debugLogger } from "ext:deno_knitting/03_options.js";

export { TASK_BRAND };

/** At most this many re-checks of an idle worker's ring before it parks
 *  (and at most `worker.timers.spinMicroseconds` of spinning, when given). */
const WORKER_SPIN = 4000;
/** Under load, the event loop gets a turn every 16 batches while async
 *  tasks are pending (their I/O and timers), else at most every 10 ms (the
 *  timers a synchronous task left behind): a turn is dear (a turn every
 *  1 ms cost 15 % of a burst's throughput). */
const YIELD_EVERY = 16;
const TURN_EVERY_MS = 10;
/**
 * A peer must be in the same task this long before its queued calls are
 * taken: stealing short tasks costs more (CAS, a MOVED notice, cache lines
 * moving between cores) than waiting for them.
 */
export const STEAL_AFTER_MS = 0.2;

export async function workerMain() {
  const { tasks, worker: options, lane, console: consoleShown, token } = op_knitting_worker_init();
  const log = debugLogger(options.debug ?? [], `w${lane}`, token);
  guardWorker(consoleShown !== false);
  log?.("lifecycle", `worker thread=${lane} url=${import.meta.url}`);
  if (options.bootstrap) await runBootstrap(options.bootstrap, lane, options.threads, log);
  const fns = await loadTasks(tasks, log);
  const loop = new WorkerLoop(
    token,
    lane,
    options,
    fns,
    tasks.map((t) => t.abortSignal === true),
  );
  op_knitting_worker_ready(token);
  log?.("lifecycle", `ready ${globalThis.performance?.now().toFixed(1)} ms after the runtime started`);
  await loop.serve();
}

/** A peer lane this worker may steal from. */
class Peer {
  constructor(token, index) {
    this.index = index;
    this.view = new LaneView(op_knitting_lane_buffer(token, index));
    this.requests = new RingConsumer(this.view, REQUESTS);
    /** Its `Running` word when last seen, and since when (0: not timed yet). */
    this.running = 0;
    this.since = 0;
  }
}

class WorkerLoop {
  constructor(token, lane, options, fns, abortAware) {
    this.token = token;
    this.lane = lane;
    this.fns = fns;
    this.abortAware = abortAware;
    this.spin = new Spinner(WORKER_SPIN, options.spinMicroseconds ?? Infinity);
    this.parkMs = options.parkMs ?? Infinity;
    this.holdReplies = options.resolveAfterFinishingAll === true;
    this.view = new LaneView(op_knitting_lane_buffer(token, lane));
    this.i32 = this.view.i32;
    this.requests = new RingConsumer(this.view, REQUESTS);
    this.responses = new RingProducer(this.view, RESPONSES);
    // Work stealing: an idle worker takes requests queued behind a busy (or
    // still starting) peer. Requests then have several consumers, so taking
    // one is a CAS on the ring's head, after copying the frame out.
    this.stealing = options.steal === true && options.threads > 1;
    this.peers = [];
    if (this.stealing) {
      for (let k = 1; k < options.threads; k++) this.peers.push(new Peer(token, (lane + k) % options.threads));
    }
    /** A request's header when its payload must wait until the request is won. */
    this.scratch = new SlotView(new ArrayBuffer(L.slotBytes));
    /** Replies waiting for a ring slot or payload budget (or, with
     *  holdReplies, for the queue to empty), flat: id, ok, value, micros. */
    this.replyBacklog = [];
    this.asyncPending = 0;
    // The request being taken: its id, request word, argument, and whether
    // the argument decoded (one record, reused).
    this.takenId = 0;
    this.takenWord = 0;
    this.takenArg = undefined;
    this.takenOk = true;
    // Where `take` reads from, and whether the payload waits for the win.
    this.takeFrom = this.view;
    this.takeLane = lane;
    this.external = false;
    this.readBeforeClaim = this.readBeforeClaim.bind(this);
    /** Take and run the requests published (one method, chosen once). */
    this.claim = this.stealing ? this.claimShared : this.claimAlone;
    this.isDue = this.isDue.bind(this);
  }

  async serve() {
    const { spin, i32 } = this;
    let batches = 0;
    let lastTurn = op_knitting_now();
    for (;;) {
      if (this.claim() || (this.stealing && (spin.checks & FULL_PASS_EVERY) === 0 && this.steal())) {
        this.publish();
        spin.found();
        if (++batches >= YIELD_EVERY) {
          batches = 0;
          const now = op_knitting_now();
          if (this.asyncPending > 0 || now - lastTurn >= TURN_EVERY_MS) {
            lastTurn = now;
            await op_knitting_turn_event_loop();
          }
        }
        continue;
      }
      if (this.replyBacklog.length > 0) this.publish();
      if (Atomics.load(i32, L.laneState) === L.laneClosing) return;
      // Spinning would starve pending async tasks of the event loop: park at once.
      if (this.asyncPending === 0) {
        const next = this.spinForRequests();
        if (next === Spin.AGAIN) continue;
        if (next === Spin.TURN) {
          await op_knitting_turn_event_loop(); // timers a task left behind
          continue;
        }
      }
      await this.park();
    }
  }

  /**
   * Spin until a request may be there: a check loads the request tail only;
   * every 16 checks the spin ends anyway for the full pass (stealing, the
   * reply backlog, closing).
   */
  spinForRequests() {
    const { spin, requests } = this;
    for (;;) {
      const next = spin.spin();
      if (next !== Spin.AGAIN || (spin.checks & FULL_PASS_EVERY) === 0 || requests.hasNew()) return next;
    }
  }

  // --- requests in ---------------------------------------------------------

  // This worker is the ring's only consumer: take requests one at a time
  // (decode, release the slot, run), so requests not yet taken stay in the
  // ring for a successor if a task never returns. A batch ends at the tail
  // seen when it began, so replies go out before newer requests are taken.
  claimAlone() {
    const { requests, view, lane, i32 } = this;
    const tail = requests.tail();
    let head = requests.head;
    if (tail === head) return false;
    while (head !== tail) {
      this.read(view, requests.slot(head), lane);
      head = (head + 1) | 0;
      requests.release(head);
      this.runTaken(i32);
    }
    if (requests.producerWaits()) this.wakeHost();
    return true;
  }

  // With stealing the ring has several consumers: each request is taken by
  // CAS (`take`). Like claimAlone, a batch ends at the tail seen when it began.
  claimShared() {
    const requests = this.requests;
    const end = requests.tail();
    if (end === requests.head || !this.take(requests, this.view, this.lane)) return false;
    do {
      this.runTaken(this.i32);
    } while (requests.head !== end && this.take(requests, this.view, this.lane));
    if (requests.producerWaits()) this.wakeHost();
    return true;
  }

  // Take the head request of a ring with several consumers (`RingConsumer.take`):
  // decode it where it is (an inline payload is copied out; a payload in the
  // store must wait until the request is won, as taking it is destructive:
  // the header is copied instead).
  take(requests, source, laneNumber) {
    this.takeFrom = source;
    this.takeLane = laneNumber;
    if (!requests.take(this.readBeforeClaim)) return false;
    if (this.external) this.read(this.scratch, 0, laneNumber);
    return true;
  }

  readBeforeClaim(at) {
    const source = this.takeFrom;
    this.external = isExternal(source, at);
    if (this.external) {
      for (let k = 0, w = at >> 2; k < 6; k++) this.scratch.u32[k] = source.u32[w + k];
    } else {
      this.read(source, at, this.takeLane);
    }
  }

  read(source, at, laneNumber) {
    this.takenId = source.u32[(at >> 2) + HEADER_ID];
    this.takenWord = source.u32[(at >> 2) + HEADER_WORD];
    this.takenOk = true;
    try {
      this.takenArg = decode(source, at, this.token, laneNumber);
    } catch (error) {
      this.takenArg = error;
      this.takenOk = false;
    }
  }

  // Take one request from a peer that is busy in a task or still starting.
  // The host learns first (a MOVED frame, published before the call runs),
  // so the call is ours if we die.
  steal() {
    if (this.replyBacklog.length > 0 || this.responses.free() === 0) return false;
    for (const peer of this.peers) {
      if (peer.requests.isEmpty()) continue;
      const state = Atomics.load(peer.view.i32, L.laneState);
      const busy = state === L.laneStarting || (state === L.laneReady && this.stuckInATask(peer));
      if (!busy || !this.take(peer.requests, peer.view, peer.index)) continue;
      const at = this.responses.slot();
      encode(undefined, this.view, at, this.token, this.lane);
      this.responses.commit(this.view, at, this.takenId, L.statusMoved);
      this.responses.publish();
      this.runTaken(peer.view.i32);
      // The slot freed may be what the host waits for to flush the peer's backlog.
      if (peer.requests.producerWaits() && shouldWake(peer.view.i32, L.hostParked, 1, 0)) {
        op_knitting_wake_host(this.token);
      }
      return true;
    }
    return false;
  }

  // Reads the clock (an op) only once the same task is seen twice.
  /** @param {Peer} peer */
  stuckInATask(peer) {
    const running = Atomics.load(peer.view.i32, L.running);
    if (running !== peer.running) {
      peer.running = running;
      peer.since = 0;
      return false;
    }
    if (running === 0) return false;
    if (peer.since === 0) {
      peer.since = op_knitting_now();
      return false;
    }
    return op_knitting_now() - peer.since >= STEAL_AFTER_MS;
  }

  /** Calls wait behind a busy or starting peer (a parked worker looks again soon). */
  peerHasQueuedWork() {
    return this.peers.some(
      (peer) =>
        !peer.requests.isEmpty() &&
        (Atomics.load(peer.view.i32, L.running) !== 0 || Atomics.load(peer.view.i32, L.laneState) === L.laneStarting),
    );
  }

  // --- running --------------------------------------------------------------

  /** Run the request taken; `signals`: the i32 view holding its abort bit (its original lane's). */
  runTaken(signals) {
    const id = this.takenId;
    const arg = this.takenArg;
    this.takenArg = undefined;
    const word = this.takenWord;
    if (!this.takenOk) return this.reply(id, false, arg, -1);
    const fn = requestTask(word);
    const signal = this.abortAware[fn] ? requestSignal(word) : -1;
    // A timed call (pool.stats()): from here until its task settles.
    const start = requestTimed(word) ? op_knitting_now() : -1;
    const i32 = this.i32;
    let result;
    Atomics.store(i32, L.running, (id + 1) | 0);
    try {
      result = signal >= 0 ? this.fns[fn](arg, abortToolkit(signals, signal)) : this.fns[fn](arg);
    } catch (error) {
      Atomics.store(i32, L.running, 0);
      return this.reply(id, false, error, start);
    }
    Atomics.store(i32, L.running, 0);
    // Looking at the result runs task code too (a `then` getter, a Proxy's
    // traps): if that throws, only this call fails.
    let pending;
    try {
      if (result instanceof Promise || typeof result?.then === "function") pending = Promise.resolve(result);
    } catch (error) {
      return this.reply(id, false, error, start);
    }
    if (pending === undefined) return this.reply(id, true, result, start);
    this.asyncPending++;
    pending.then(
      (value) => this.settleAsync(id, true, value, start),
      (error) => this.settleAsync(id, false, error, start),
    );
  }

  settleAsync(id, ok, value, start) {
    this.asyncPending--;
    this.reply(id, ok, value, start);
    this.publish();
  }

  // --- replies out ------------------------------------------------------------

  /** `start`: when a timed call's task began (op_knitting_now()), else -1. */
  reply(id, ok, value, start) {
    const micros = start < 0 ? -1 : (op_knitting_now() - start) * 1000;
    if (
      this.holdReplies ||
      this.replyBacklog.length > 0 ||
      this.responses.free() === 0 ||
      !this.writeReply(id, ok, value, micros)
    ) {
      this.replyBacklog.push(id, ok, value, micros);
      this.responses.setBacklog(true);
    }
  }

  // Encode one reply into the next response slot; false when the payload
  // budget says wait. A result that cannot be sent rejects the call instead.
  // `micros`: how long a timed call's task ran, else -1.
  writeReply(id, ok, value, micros) {
    const { view, token, lane } = this;
    const at = this.responses.slot();
    let written;
    try {
      written = ok ? encode(value, view, at, token, lane, "result") : encodeReason(value, view, at, token, lane);
    } catch (error) {
      ok = false;
      try {
        written = encodeReason(error, view, at, token, lane);
      } catch {
        written = encodeReason("Knitting: the result could not be sent", view, at, token, lane);
      }
    }
    if (!written) return false;
    const status = ok ? L.statusOk : L.statusThrew;
    this.responses.commit(view, at, id, micros < 0 ? status : timedStatus(status, micros));
    return true;
  }

  publish() {
    const backlog = this.replyBacklog;
    let moved = 0;
    if (!this.holdReplies || (this.asyncPending === 0 && this.requests.isEmpty())) {
      while (moved < backlog.length && this.responses.free() > 0) {
        if (!this.writeReply(backlog[moved], backlog[moved + 1], backlog[moved + 2], backlog[moved + 3])) break;
        moved += 4;
      }
    }
    if (moved > 0) {
      backlog.splice(0, moved);
      if (backlog.length === 0) this.responses.setBacklog(false);
    }
    if (this.responses.publish()) this.wakeHost();
  }

  /** Ordering: after the publish (PROTOCOL.md, "Waking: host"). */
  wakeHost() {
    if (shouldWake(this.i32, L.hostParked, 1, 0)) op_knitting_wake_host(this.token);
  }

  // --- parking ----------------------------------------------------------------

  // The sleeper's half of the handshake (`announcePark`, PROTOCOL.md,
  // "Waking: worker"): WorkerState is stored PARKED before the request ring
  // is checked again, so a host that publishes after that check sees PARKED
  // and rings; one that published before is seen here, and the worker stays.
  async park() {
    const { i32, spin } = this;
    const spun = spin.checks > 0;
    if (announcePark(i32, L.workerState, L.workerParked, this.isDue)) {
      const limit = this.stealing && this.peerHasQueuedWork() ? Math.min(this.parkMs, 1) : this.parkMs;
      await op_knitting_worker_park(this.token, limit);
    }
    Atomics.store(i32, L.workerState, L.workerRunning);
    if (spun) spin.parked();
  }

  /** Work this worker would miss if it parked now. */
  isDue() {
    return (
      !this.requests.isEmpty() ||
      (this.replyBacklog.length > 0 && this.responses.free() > 0 && !this.holdReplies) ||
      Atomics.load(this.i32, L.laneState) === L.laneClosing
    );
  }
}
