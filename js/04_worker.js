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
import { decode, encode, encodeReason } from "ext:deno_knitting/01_codec.js";
import { copyFrame, L, LaneView, requestSlot, responseSlot, scratchSlot, writeHeader } from "ext:deno_knitting/02_mailbox.js";

export const TASK_BRAND = Symbol.for("task");
/** Default spin before parking: a few tens of µs of re-checks. */
const DEFAULT_SPIN = 4000;
/** Batches run between event-loop visits while async tasks are pending. */
const YIELD_EVERY = 16;

async function loadTasks(table) {
  const modules = new Map();
  const fns = [];
  for (const entry of table) {
    let namespace = modules.get(entry.url);
    if (namespace === undefined) {
      namespace = await import(entry.url);
      modules.set(entry.url, namespace);
    }
    fns.push(findTask(namespace, entry));
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

export async function workerMain() {
  const { tasks, worker: options } = op_knitting_worker_init();
  const fns = await loadTasks(tasks);
  const spinBudget = options?.spinIterations ?? DEFAULT_SPIN;
  const view = new LaneView(op_knitting_lane_buffer(0, 0));
  const { i32, u32 } = view;
  let reqHead = Atomics.load(i32, L.reqHead);
  let resTail = Atomics.load(i32, L.resTail);
  let resPublished = resTail;
  let resHeadSeen = Atomics.load(i32, L.resHead);
  const replyBacklog = [];
  let asyncPending = 0;

  const wakeHost = () => {
    if (Atomics.load(i32, L.hostParked) === 1 && Atomics.compareExchange(i32, L.hostParked, 1, 0) === 1) {
      op_knitting_wake_host();
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

  const encodeReply = (target, at, id, ok, value) => {
    try {
      if (ok) encode(value, target, at, 0, 0, "result");
      else encodeReason(value, target, at, 0, 0);
    } catch (error) {
      ok = false;
      encodeReason(error, target, at, 0, 0);
    }
    writeHeader(target, at, id, ok ? 0 : 1);
  };

  const reply = (id, ok, value) => {
    if (replyBacklog.length === 0 && freeReplySlots() > 0) {
      encodeReply(view, responseSlot(resTail), id, ok, value);
      resTail = (resTail + 1) | 0;
    } else {
      const scratch = scratchSlot();
      encodeReply(scratch, 0, id, ok, value);
      replyBacklog.push(scratch);
      Atomics.store(i32, L.resBacklog, 1);
    }
  };

  const publishReplies = () => {
    let moved = 0;
    while (moved < replyBacklog.length && freeReplySlots() > 0) {
      copyFrame(view, responseSlot(resTail), replyBacklog[moved++]);
      resTail = (resTail + 1) | 0;
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

  const run = (id, fn, arg) => {
    let result;
    try {
      result = fns[fn](arg);
    } catch (error) {
      return reply(id, false, error);
    }
    if (result instanceof Promise || typeof result?.then === "function") {
      asyncPending++;
      Promise.resolve(result).then(
        (value) => settleAsync(id, true, value),
        (error) => settleAsync(id, false, error),
      );
    } else {
      reply(id, true, result);
    }
  };

  // Claim every published request: copy each out, release the slots, then run.
  const claim = () => {
    const tail = Atomics.load(i32, L.reqTail);
    if (tail === reqHead) return false;
    const batch = [];
    while (reqHead !== tail) {
      const at = requestSlot(reqHead);
      const id = u32[at >> 2];
      const fn = u32[(at >> 2) + 1];
      try {
        batch.push(id, fn, decode(view, at, 0, 0), true);
      } catch (error) {
        batch.push(id, fn, error, false);
      }
      reqHead = (reqHead + 1) | 0;
    }
    Atomics.store(i32, L.reqHead, reqHead);
    if (Atomics.load(i32, L.reqBacklog) === 1) wakeHost();
    for (let i = 0; i < batch.length; i += 4) {
      if (batch[i + 3]) run(batch[i], batch[i + 1], batch[i + 2]);
      else reply(batch[i], false, batch[i + 2]);
    }
    return true;
  };

  op_knitting_worker_ready();
  let spins = 0;
  let batches = 0;
  for (;;) {
    if (claim()) {
      publishReplies();
      spins = 0;
      if (asyncPending > 0 && ++batches >= YIELD_EVERY) {
        batches = 0;
        await op_knitting_yield();
      }
      continue;
    }
    if (replyBacklog.length > 0) publishReplies();
    if (Atomics.load(i32, L.laneState) === L.laneClosing) return;
    // Spinning would starve pending async tasks of the event loop: park at once.
    if (asyncPending === 0 && ++spins < spinBudget) continue;
    Atomics.store(i32, L.workerState, L.workerParked);
    const due = Atomics.load(i32, L.reqTail) !== reqHead ||
      (replyBacklog.length > 0 && freeReplySlots() > 0) ||
      Atomics.load(i32, L.laneState) === L.laneClosing;
    if (!due) await op_knitting_worker_park();
    Atomics.store(i32, L.workerState, L.workerRunning);
    spins = 0;
  }
}
