// A model check of the lane protocol: the real js/01_lane.js (the one
// implementation host and workers run), with every shared-memory access a
// point where another thread may run. Small scenarios (a producer and a
// parking consumer; a producer and two stealing consumers) run under every
// schedule with up to two preemptions, deterministically; each must end
// with every message taken exactly once, never an unpublished one, and no
// thread parked forever (a lost wake-up). Versions of the protocol with an
// ordering weakened must fail the same check, so the check can fail.
//
// How a thread is interleaved: JS cannot stop a function halfway, so a
// thread's body runs again from the start at every step, its earlier
// accesses answered from its log (stateless model checking by replay), and
// stops at its next new access. Bodies are deterministic given what they
// read; all they share goes through the model's `Atomics`.
import { isMain } from "knitting";
import { assert, assertEquals, run, test } from "./_harness.ts";

// A small layout: 4 slots, so rings wrap; the numbers are the model's own.
const LAYOUT = {
  slots: 4,
  slotBytes: 16,
  reqRing: 64,
  resRing: 128,
  slotCallId: 0,
  slotFnOrStatus: 4,
  slotTag: 8,
  slotLen: 12,
  reqTail: 0,
  reqHead: 1,
  resTail: 2,
  resHead: 3,
  workerState: 4,
  hostParked: 5,
  reqBacklog: 7,
  resBacklog: 8,
  workerRunning: 0,
  workerParked: 1,
};

type Entry = unknown;
class Thread {
  log: Entry[] = [];
  replayed = 0;
  done = false;
  blocked = false;
  permits = 0;
  result: unknown = undefined;
  constructor(readonly name: string, readonly body: (ctx: Ctx) => unknown) {}
}

/** The running thread: every shared access goes through `access`. */
let current: Thread | null = null;

/** Whether the running thread took its one new access of this step. */
let stepTaken = false;
/** Past the step's end: the rest of this run is thrown away. */
let overrun = 0;

// Stopping a thread by throwing costs ~180 µs on this engine, so past its
// step a thread runs on to its end on neutral answers (`idle`), with no
// effect on shared memory, and what it did then is discarded.
function access<T>(perform: () => T, idle: T): T {
  const thread = current!;
  if (thread.replayed < thread.log.length) return thread.log[thread.replayed++] as T;
  if (stepTaken || overrun > 0) {
    if (++overrun > 10_000) throw new Error("a body ran away after its step");
    return idle;
  }
  const value = perform();
  thread.log.push(value);
  thread.replayed++;
  stepTaken = true;
  return value;
}

/** The model's Atomics: what the wire module and the scenarios use. */
const modelAtomics = {
  load: (a: Int32Array, i: number) => access(() => Atomics.load(a, i), 0),
  store: (a: Int32Array, i: number, v: number) => access(() => Atomics.store(a, i, v), v),
  compareExchange: (a: Int32Array, i: number, e: number, r: number) => access(() => Atomics.compareExchange(a, i, e, r), e),
  or: (a: Int32Array, i: number, v: number) => access(() => Atomics.or(a, i, v), 0),
  and: (a: Int32Array, i: number, v: number) => access(() => Atomics.and(a, i, v), 0),
};

/** What a scenario's body may do besides the wire module's calls. */
type Ctx = {
  i32: Int32Array;
  /** The lane as the wire module sees it: `u32` stores (a frame's header) are accesses too. */
  view: { i32: Int32Array; u32: Record<number, number> };
  /** Read a slot's first word (shared memory too). */
  read: (at: number) => number;
  /** Ring a thread's doorbell (one permit, as a tokio Notify). */
  ring: (name: string) => void;
  /** Park until rung (a permit left earlier is taken at once). */
  park: () => void;
};

// The wire module as the workers load it, with its two ops and Atomics
// replaced by the model's.
const source = await Deno.readTextFile(new URL("../js/01_lane.js", import.meta.url));
const opsImport = /^import \{[^}]*\} from "ext:core\/ops";$/m;
assert(opsImport.test(source), "js/01_lane.js imports its ops on one line");
const modelSource = source
  .replace(opsImport, "const { op_knitting_layout, op_knitting_yield_thread } = globalThis.__laneModel.ops;\nconst A = globalThis.__laneModel.atomics;")
  .replaceAll("Atomics.", "A.");
(globalThis as any).__laneModel = { ops: { op_knitting_layout: () => LAYOUT, op_knitting_yield_thread: () => {} }, atomics: modelAtomics };
const file = await Deno.makeTempFile({ suffix: ".js" });
await Deno.writeTextFile(file, modelSource);
const wire = await import(`file://${file}`);
await Deno.remove(file);
const { L, REQUESTS, RingConsumer, RingProducer, announcePark, shouldWake } = wire;

type Scenario = {
  threads: Array<[string, (ctx: Ctx) => unknown]>;
  /** Throws when an execution that ended is wrong. */
  check: (results: Map<string, unknown>) => void;
};

type Outcome = { executions: number; failure: string | null };

/** Run every schedule of `scenario` with at most `bound` preemptions. */
function explore(scenario: Scenario, bound = 2): Outcome {
  const pending: number[][] = [[]];
  let executions = 0;
  while (pending.length > 0) {
    const prefix = pending.pop()!;
    const { choices, enabledAt, failure } = execute(scenario, prefix);
    executions++;
    if (failure !== null) return { executions, failure: `${failure} (schedule ${choices.join("")})` };
    // Branch at every step past the prefix to each other thread that could run.
    for (let step = choices.length - 1; step >= prefix.length; step--) {
      for (const other of enabledAt[step]) {
        if (other === choices[step]) continue;
        const branch = [...choices.slice(0, step), other];
        if (preemptions(branch, enabledAt) <= bound) pending.push(branch);
      }
    }
  }
  return { executions, failure: null };
}

/** Switches away from a thread that could have gone on. */
function preemptions(choices: number[], enabledAt: number[][]) {
  let count = 0;
  for (let k = 1; k < choices.length; k++) {
    if (choices[k] !== choices[k - 1] && enabledAt[k]?.includes(choices[k - 1])) count++;
  }
  return count;
}

function execute(scenario: Scenario, prefix: number[]) {
  const memory = new Int32Array(64);
  const threads = scenario.threads.map(([name, body]) => new Thread(name, body));
  const byName = new Map(threads.map((t) => [t.name, t]));
  const ctx: Ctx = {
    i32: memory,
    view: {
      i32: memory,
      u32: new Proxy({}, { set: (_, word, value) => (access(() => (memory[Number(word)] = value), value), true) }),
    },
    read: (at) => access(() => memory[at >> 2], 0),
    ring: (name) => access(() => (byName.get(name)!.permits = 1), 1),
    park: () => {
      const thread = current!;
      // Taking a permit is an access; without one the thread blocks, and
      // runs again from the start once rung.
      if (thread.replayed < thread.log.length || stepTaken || overrun > 0 || thread.permits > 0) {
        access(() => (thread.permits = 0), 0);
        return;
      }
      thread.blocked = true;
      overrun = 1;
    },
  };
  const choices: number[] = [];
  const enabledAt: number[][] = [];
  for (let step = 0; step < 10_000; step++) {
    const enabled = threads.flatMap((t, i) => !t.done && (!t.blocked || t.permits > 0) ? [i] : []);
    if (enabled.length === 0) {
      const stuck = threads.filter((t) => !t.done).map((t) => t.name);
      if (stuck.length > 0) return { choices, enabledAt, failure: `parked forever: ${stuck.join(", ")}` };
      try {
        scenario.check(new Map(threads.map((t) => [t.name, t.result])));
      } catch (error) {
        return { choices, enabledAt, failure: String((error as Error).message ?? error) };
      }
      return { choices, enabledAt, failure: null };
    }
    const previous = choices[choices.length - 1];
    const pick = step < prefix.length ? prefix[step] : enabled.includes(previous) ? previous : enabled[0];
    if (!enabled.includes(pick)) return { choices, enabledAt, failure: null }; // a branch that cannot happen
    choices.push(pick);
    enabledAt.push(enabled);
    runOneStep(threads[pick], ctx);
  }
  return { choices, enabledAt, failure: "did not finish in 10,000 steps" };
}

/** Run a thread from its start: replay its log, take one new access, stop at the next. */
function runOneStep(thread: Thread, ctx: Ctx) {
  current = thread;
  thread.replayed = 0;
  thread.blocked = false;
  stepTaken = false;
  overrun = 0;
  try {
    const result = thread.body(ctx);
    if (overrun === 0) {
      thread.result = result;
      thread.done = true;
    }
  } catch (error) {
    if (overrun === 0) throw error;
  } finally {
    current = null;
  }
}

// --- scenarios --------------------------------------------------------------

const MESSAGES = [11, 22, 33, 44, 55];

/** The host's side: publish each message, then wake the worker if it parked. */
function producer(ctx: Ctx) {
  const requests = new RingProducer(ctx.view, REQUESTS);
  for (const message of MESSAGES.slice(0, 3)) {
    if (requests.free() === 0) throw new Error("the model's ring is never full here");
    // A frame: its header (the message as the call id) written, then published.
    requests.commit(ctx.view, requests.slot(), message, 0);
    requests.publish();
    if (shouldWake(ctx.i32, L.workerState, L.workerParked, L.workerRunning)) ctx.ring("worker");
  }
}

/** A worker alone on its ring: take what is there, else announce the park, look again, park. */
function parkingConsumer(announce: typeof announcePark) {
  return (ctx: Ctx) => {
    const requests = new RingConsumer(ctx.view, REQUESTS);
    const got: number[] = [];
    while (got.length < 3) {
      // As WorkerLoop.claimAlone: take up to the tail seen, one at a time.
      const tail = requests.tail();
      if (tail !== requests.head) {
        for (let head = requests.head; head !== tail; head = (head + 1) | 0) {
          got.push(ctx.read(requests.slot(head)));
          requests.release((head + 1) | 0);
        }
        continue;
      }
      if (announce(ctx.i32, L.workerState, L.workerParked, () => !requests.isEmpty())) ctx.park();
      modelAtomics.store(ctx.i32, L.workerState, L.workerRunning);
    }
    return got;
  };
}

const parking = (announce: typeof announcePark): Scenario => ({
  threads: [["host", producer], ["worker", parkingConsumer(announce)]],
  check: (results) => assertEquals(results.get("worker"), [11, 22, 33]),
});

/** A worker that takes from a shared ring by CAS, a few tries, never parking. */
function stealingConsumer(Consumer: typeof RingConsumer) {
  return (ctx: Ctx) => {
    const requests = new Consumer(ctx.view, REQUESTS);
    const got: number[] = [];
    for (let attempt = 0; attempt < 3; attempt++) {
      let seen = -1;
      if (requests.take((at: number) => (seen = ctx.read(at)))) got.push(seen);
    }
    return got;
  };
}

const stealing = (Consumer: typeof RingConsumer): Scenario => ({
  threads: [["host", producer], ["a", stealingConsumer(Consumer)], ["b", stealingConsumer(Consumer)]],
  check: (results) => {
    const taken = [...(results.get("a") as number[]), ...(results.get("b") as number[])];
    for (const value of taken) assert(MESSAGES.includes(value), `took a slot never published (read ${value})`);
    assertEquals(new Set(taken).size, taken.length, `a message taken twice: ${taken}`);
  },
});

// Weakened versions, each with one ordering of the real module undone.
const lookThenAnnounce: typeof announcePark = (i32, word, asleep, isDue) => {
  const idle = !isDue();
  modelAtomics.store(i32, word, asleep);
  return idle;
};

class ConsumerWithoutTailRaise extends RingConsumer {
  reloadHead() {
    return (this.head = modelAtomics.load(this.i32, this.ring.head));
  }
}

/** The scenario holds under every schedule explored (and there are many). */
function holdsUnderEverySchedule(scenario: Scenario) {
  const { executions, failure } = explore(scenario);
  console.log(`  ${executions} schedules`);
  assertEquals(failure, null);
  assert(executions > 100, `${executions} schedules`);
}

test("model: a worker parks and is woken; every request arrives once, in order, under every schedule", () => {
  holdsUnderEverySchedule(parking(announcePark));
});

test("model: a sleeper that looks before it announces its park loses a wake-up, and the check finds it", () => {
  const { failure } = explore(parking(lookThenAnnounce));
  assert(failure !== null && failure.startsWith("parked forever: worker"), String(failure));
});

test("model: stealing workers take each request once and never one not yet published", () => {
  holdsUnderEverySchedule(stealing(RingConsumer));
});

test("model: without raising the cached tail on a head reload, a stealing worker takes an unpublished slot", () => {
  const { failure } = explore(stealing(ConsumerWithoutTailRaise));
  assert(failure !== null && /never published|taken twice/.test(failure), String(failure));
});

if (isMain) await run();
