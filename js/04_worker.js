// The worker side of a lane: load the tasks the host's table names, then
// serve: claim requests, run them, publish replies, spin briefly, park.
import {
  op_knitting_lane_buffer,
  op_knitting_wake_host,
  op_knitting_worker_init,
  op_knitting_worker_park,
  op_knitting_worker_ready,
  op_knitting_yield,
} from "ext:core/ops";
import { core } from "ext:core/mod.js";
import { decode, encode, encodeReason, isExternal, Tag } from "ext:deno_knitting/01_codec.js";
import {
  L,
  LaneView,
  requestSlot,
  responseSlot,
  SlotView,
  Spinner,
  writeHeader,
} from "ext:deno_knitting/02_mailbox.js";
import { debugLogger } from "ext:deno_knitting/05_options.js";

export const TASK_BRAND = Symbol.for("task");
/** How long (µs) an idle worker re-checks its ring before parking, unless
 *  `worker.timers.spinMicroseconds` says otherwise. */
const DEFAULT_SPIN_US = 200;
/** Batches run between event-loop visits under load: timers and the I/O of
 *  async tasks run that often while requests keep coming. */
const YIELD_EVERY = 16;
/**
 * A peer must be in the same task this long before its queued calls are
 * taken: stealing short tasks costs more (CAS, a MOVED notice, cache lines
 * moving between cores) than waiting for them.
 */
export const STEAL_AFTER_MS = 0.2;

/** `worker.bootstrap`: its export, awaited before any task module loads; a
 *  throw fails the worker's start-up ("Worker startup failed: …"). */
async function runBootstrap({ url, name, data }, thread, totalNumberOfThread, log) {
  const namespace = await import(url);
  const fn = namespace[name];
  if (typeof fn !== "function") {
    throw new TypeError(`worker.bootstrap: ${url} has no exported function "${name}"`);
  }
  await fn(data, { thread, totalNumberOfThread, runtime: "knit" });
  log?.("imports", `bootstrap ${name} from ${url} done`);
}

async function loadTasks(table, log) {
  const modules = new Map();
  const fns = [];
  const globalsBefore = log ? new Set(Reflect.ownKeys(globalThis)) : null;
  for (const entry of table) {
    let namespace = modules.get(entry.url);
    if (namespace === undefined) {
      namespace = await import(entry.url);
      modules.set(entry.url, namespace);
    }
    fns.push(findTask(namespace, entry));
  }
  if (log) {
    log("imports", `${fns.length} tasks from ${[...modules.keys()].join(", ")}`);
    const added = Reflect.ownKeys(globalThis).filter((key) => !globalsBefore.has(key)).map(String);
    log("globals", added.length === 0 ? "task modules added no globals" : `task modules added ${added.join(", ")}`);
  }
  return fns;
}

function findTask(namespace, { key, url, at }) {
  if (at === undefined || at === null) {
    const fn = namespace[key];
    if (typeof fn !== "function") {
      throw new TypeError(
        `createPool task "${key}": ${url} has no exported function named "${key}" ` +
          `(a plain function must be exported under the same name as its pool key)`,
      );
    }
    return fn;
  }
  for (const value of Object.values(namespace)) {
    if (value?.[TASK_BRAND] === true && value.importedFrom === url && value.at === at) return value.f;
  }
  throw new TypeError(
    `createPool task "${key}" was not found among the exports of ${url}: ` +
      `workers import that module, so the task must be exported (export const ${key} = task({ ... }))`,
  );
}

/** The `{ hasAborted, now }` toolkit an abort-aware task gets as its second argument. */
function abortToolkit(i32, signal) {
  const word = L.abortBitmap + (signal >> 5);
  const bit = 1 << (signal & 31);
  return {
    hasAborted: () => (Atomics.load(i32, word) & bit) !== 0,
    now: () => performance.now(),
  };
}

const EXIT_GUARD = "KNT_ERROR_PROCESS_GUARD: Deno.exit is disabled in worker tasks (return or throw instead)";

// Before any task module runs (spec §5.4): exiting the process from a task
// throws instead, the lanes' ops are out of reach (this module holds its
// own references), and with `console: false` task output goes nowhere.
function guardWorker(consoleShown) {
  try {
    core.loadExtScript("ext:deno_os/30_os.js").setExitHandler(() => {
      throw new Error(EXIT_GUARD);
    });
  } catch {
    // A runtime without deno_os has no Deno.exit to guard.
  }
  for (const name of Object.keys(core.ops)) {
    if (name.startsWith("op_knitting_")) delete core.ops[name];
  }
  if (!consoleShown && globalThis.console) {
    const silent = () => {};
    const quiet = Object.create(null);
    for (const key of Object.getOwnPropertyNames(globalThis.console)) {
      quiet[key] = typeof globalThis.console[key] === "function" ? silent : globalThis.console[key];
    }
    for (const key of ["log", "info", "warn", "error", "debug", "trace", "dir", "dirxml", "table", "group", "groupEnd"]) {
      quiet[key] = silent;
    }
    Object.defineProperty(globalThis, "console", { value: quiet, writable: true, configurable: true });
  }
}

export async function workerMain() {
  const { tasks, worker: options, lane: laneIndex, console: consoleShown, token } = op_knitting_worker_init();
  const log = debugLogger(options.debug ?? [], `w${laneIndex}`, token);
  guardWorker(consoleShown !== false);
  log?.("lifecycle", `worker thread=${laneIndex} url=${import.meta.url}`);
  if (options.bootstrap) await runBootstrap(options.bootstrap, laneIndex, options.threads, log);
  const fns = await loadTasks(tasks, log);
  const abortAware = tasks.map((t) => t.abortSignal === true);
  const spin = new Spinner(options.spinMicroseconds ?? DEFAULT_SPIN_US);
  const parkMs = options.parkMs ?? Infinity;
  const holdReplies = options.resolveAfterFinishingAll === true;
  const view = new LaneView(op_knitting_lane_buffer(token, laneIndex));
  const { i32, u32 } = view;
  view.head = view.tail = Atomics.load(i32, L.reqHead);
  // Work stealing: an idle worker takes requests queued behind a busy (or
  // still starting) peer. Requests then have several consumers, so taking
  // one is a CAS on the ring's head, after copying the frame out.
  const stealing = options.steal === true && options.threads > 1;
  const peers = [];
  if (stealing) {
    for (let k = 1; k < options.threads; k++) {
      const index = (laneIndex + k) % options.threads;
      const peerView = new LaneView(op_knitting_lane_buffer(token, index));
      peerView.head = peerView.tail = Atomics.load(peerView.i32, L.reqHead);
      peers.push({ index, view: peerView, running: 0, since: 0 });
    }
  }
  const scratch = new SlotView(new ArrayBuffer(L.slotBytes));
  let reqHead = Atomics.load(i32, L.reqHead); // used only without stealing
  let resTail = Atomics.load(i32, L.resTail);
  let resPublished = resTail;
  let resHeadSeen = Atomics.load(i32, L.resHead);
  /** Replies waiting for a ring slot or payload budget (or, with holdReplies, for the queue to empty): id, ok, value. */
  const replyBacklog = [];
  let asyncPending = 0;

  const wakeHost = () => {
    if (Atomics.load(i32, L.hostParked) === 1 && Atomics.compareExchange(i32, L.hostParked, 1, 0) === 1) {
      op_knitting_wake_host(token);
    }
  };

  const freeReplySlots = () => {
    let free = L.slots - ((resTail - resHeadSeen) | 0);
    if (free === 0) {
      resHeadSeen = Atomics.load(i32, L.resHead);
      free = L.slots - ((resTail - resHeadSeen) | 0);
    }
    return free;
  };

  // Encode one reply into the next response slot; false when the payload
  // budget says wait. A result that cannot be sent rejects the call instead.
  const writeReply = (id, ok, value) => {
    const at = responseSlot(resTail);
    let written;
    try {
      written = ok ? encode(value, view, at, token, laneIndex, "result") : encodeReason(value, view, at, token, laneIndex);
    } catch (error) {
      ok = false;
      try {
        written = encodeReason(error, view, at, token, laneIndex);
      } catch {
        written = encodeReason("Knitting: the result could not be sent", view, at, token, laneIndex);
      }
    }
    if (!written) return false;
    writeHeader(view, at, id, ok ? L.statusOk : L.statusThrew);
    resTail = (resTail + 1) | 0;
    return true;
  };

  const reply = (id, ok, value) => {
    if (holdReplies || replyBacklog.length > 0 || freeReplySlots() === 0 || !writeReply(id, ok, value)) {
      replyBacklog.push(id, ok, value);
      Atomics.store(i32, L.resBacklog, 1);
    }
  };

  const publishReplies = () => {
    let moved = 0;
    if (!holdReplies || (asyncPending === 0 && Atomics.load(i32, L.reqTail) === Atomics.load(i32, L.reqHead))) {
      while (moved < replyBacklog.length && freeReplySlots() > 0) {
        if (!writeReply(replyBacklog[moved], replyBacklog[moved + 1], replyBacklog[moved + 2])) break;
        moved += 3;
      }
    }
    if (moved > 0) {
      replyBacklog.splice(0, moved);
      if (replyBacklog.length === 0) Atomics.store(i32, L.resBacklog, 0);
    }
    if (resTail !== resPublished) {
      resPublished = resTail;
      Atomics.store(i32, L.resTail, resTail);
      wakeHost();
    }
  };

  const settleAsync = (id, ok, value) => {
    asyncPending--;
    reply(id, ok, value);
    publishReplies();
  };

  // `signals`: the i32 view holding the call's abort bit (its original lane's).
  const run = (id, fn, signal, arg, signals) => {
    let result;
    Atomics.store(i32, L.running, (id + 1) | 0);
    try {
      result = signal >= 0 ? fns[fn](arg, abortToolkit(signals, signal)) : fns[fn](arg);
    } catch (error) {
      Atomics.store(i32, L.running, 0);
      return reply(id, false, error);
    }
    Atomics.store(i32, L.running, 0);
    // Looking at the result runs task code too (a `then` getter, a Proxy's
    // traps): if that throws, only this call fails.
    let pending;
    try {
      if (result instanceof Promise || typeof result?.then === "function") pending = Promise.resolve(result);
    } catch (error) {
      return reply(id, false, error);
    }
    if (pending === undefined) return reply(id, true, result);
    asyncPending++;
    pending.then(
      (value) => settleAsync(id, true, value),
      (error) => settleAsync(id, false, error),
    );
  };

  // Without stealing this worker is the ring's only consumer: take requests
  // one at a time (decode, release the slot, run), so requests not yet taken
  // stay in the ring for a successor if a task never returns.
  // The request being taken: its id, fn|signal word, argument, and whether
  // the argument decoded.
  let takenId = 0;
  let takenWord = 0;
  let takenArg;
  let takenOk = true;

  const readRequest = (source, at, laneNumber) => {
    takenId = source.u32[at >> 2];
    takenWord = source.u32[(at >> 2) + 1];
    takenOk = true;
    try {
      takenArg = decode(source, at, token, laneNumber);
    } catch (error) {
      takenArg = error;
      takenOk = false;
    }
  };

  const runTaken = (signals) => {
    const fn = takenWord & 0xffff;
    const signal = abortAware[fn] ? (takenWord >>> 16) - 1 : -1;
    const arg = takenArg;
    takenArg = undefined;
    if (takenOk) run(takenId, fn, signal, arg, signals);
    else reply(takenId, false, arg);
  };

  const claimAlone = () => {
    const tail = Atomics.load(i32, L.reqTail);
    if (tail === reqHead) return false;
    while (reqHead !== tail) {
      readRequest(view, requestSlot(reqHead), laneIndex);
      reqHead = (reqHead + 1) | 0;
      Atomics.store(i32, L.reqHead, reqHead);
      runTaken(i32);
    }
    if (Atomics.load(i32, L.reqBacklog) === 1) wakeHost();
    return true;
  };

  // With stealing a ring has several consumers. Take its head request:
  // decode it where it is (an inline payload is copied out; only a payload
  // in the store must wait, as taking it is destructive: the header is
  // copied instead), then CAS the head past it. A failed CAS means another
  // worker took it, and what was read may be torn: drop it and retry.
  // `lane.head`/`lane.tail` cache the counters: a CAS that fails returns the
  // head another worker moved it to, and the tail is reloaded only when the
  // cached one is reached. So a request costs one CAS.
  const take = (lane, laneNumber) => {
    const li32 = lane.i32;
    for (;;) {
      const head = lane.head;
      if (head === lane.tail) {
        lane.tail = Atomics.load(li32, L.reqTail);
        if (head === lane.tail) {
          lane.head = Atomics.load(li32, L.reqHead);
          if (lane.head === head) return false;
          continue;
        }
      }
      const at = requestSlot(head);
      const external = isExternal(lane, at);
      if (external) {
        for (let k = 0, w = at >> 2; k < 6; k++) scratch.u32[k] = lane.u32[w + k];
      } else {
        readRequest(lane, at, laneNumber);
      }
      const seen = Atomics.compareExchange(li32, L.reqHead, head, (head + 1) | 0);
      if (seen !== head) {
        lane.head = seen;
        if (((lane.tail - seen) | 0) < 0) lane.tail = seen;
        continue;
      }
      lane.head = (head + 1) | 0;
      if (external) readRequest(scratch, 0, laneNumber);
      return true;
    }
  };



  // Like claimAlone, a batch ends at the tail seen when it began, so replies
  // go out before newer requests are taken.
  const claimShared = () => {
    const end = Atomics.load(i32, L.reqTail);
    if (end === view.head || !take(view, laneIndex)) return false;
    do {
      runTaken(i32);
    } while (view.head !== end && take(view, laneIndex));
    if (Atomics.load(i32, L.reqBacklog) === 1) wakeHost();
    return true;
  };

  const claim = stealing ? claimShared : claimAlone;

  // Take one request from a peer that is busy in a task or still starting.
  // The host learns first (a MOVED frame), so the call is ours if we die.
  // Reads the clock (an op) only once the same task is seen twice.
  const stuckInATask = (peer) => {
    const running = Atomics.load(peer.view.i32, L.running);
    if (running !== peer.running) {
      peer.running = running;
      peer.since = 0;
      return false;
    }
    if (running === 0) return false;
    if (peer.since === 0) {
      peer.since = performance.now();
      return false;
    }
    return performance.now() - peer.since >= STEAL_AFTER_MS;
  };

  // Calls wait behind a busy or starting peer: park briefly, to look again.
  const peerHasQueuedWork = () =>
    peers.some(({ view: { i32: pi32 } }) =>
      Atomics.load(pi32, L.reqHead) !== Atomics.load(pi32, L.reqTail) &&
      (Atomics.load(pi32, L.running) !== 0 || Atomics.load(pi32, L.laneState) === L.laneStarting)
    );

  const steal = () => {
    if (replyBacklog.length > 0 || freeReplySlots() === 0) return false;
    for (const peer of peers) {
      const pi32 = peer.view.i32;
      if (Atomics.load(pi32, L.reqHead) === Atomics.load(pi32, L.reqTail)) continue;
      const state = Atomics.load(pi32, L.laneState);
      const busy = state === L.laneStarting || (state === L.laneReady && stuckInATask(peer));
      if (!busy || !take(peer.view, peer.index)) continue;
      const at = responseSlot(resTail);
      u32[(at >> 2) + 2] = Tag.UNDEFINED;
      u32[(at >> 2) + 3] = 0;
      writeHeader(view, at, takenId, L.statusMoved);
      resTail = (resTail + 1) | 0;
      resPublished = resTail;
      Atomics.store(i32, L.resTail, resTail);
      runTaken(pi32);
      if (Atomics.load(pi32, L.reqBacklog) === 1) op_knitting_wake_host(token);
      return true;
    }
    return false;
  };

  op_knitting_worker_ready(token);
  log?.("lifecycle", `ready ${performance.now().toFixed(1)} ms after the runtime started`);
  let batches = 0;
  for (;;) {
    if (claim() || (stealing && (spin.checks & 15) === 0 && steal())) {
      publishReplies();
      spin.found();
      if (++batches >= YIELD_EVERY) {
        batches = 0;
        await op_knitting_yield();
      }
      continue;
    }
    if (replyBacklog.length > 0) publishReplies();
    if (Atomics.load(i32, L.laneState) === L.laneClosing) return;
    // Spinning would starve pending async tasks of the event loop: park at once.
    if (asyncPending === 0 && spin.spin()) continue;
    const spun = spin.checks > 0;
    Atomics.store(i32, L.workerState, L.workerParked);
    const due = Atomics.load(i32, L.reqTail) !== Atomics.load(i32, L.reqHead) ||
      (replyBacklog.length > 0 && freeReplySlots() > 0 && !holdReplies) ||
      Atomics.load(i32, L.laneState) === L.laneClosing;
    let parkedMs = 0;
    if (!due) {
      const start = performance.now();
      await op_knitting_worker_park(token, stealing && peerHasQueuedWork() ? Math.min(parkMs, 1) : parkMs);
      parkedMs = performance.now() - start;
    }
    Atomics.store(i32, L.workerState, L.workerRunning);
    if (spun) spin.parked(parkedMs);
  }
}
