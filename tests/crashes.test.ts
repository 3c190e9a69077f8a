// A worker whose runtime dies takes only its in-flight calls with it: they
// reject with a WorkerCrashedError, a new worker takes the lane, and later
// calls succeed (the original hangs forever here). A worker that cannot
// start fails its calls fast and clearly.
import { createPool, isMain, WorkerCrashedError } from "knitting";
import { echo, leaveBomb, slowEcho, whoAmI } from "./fixtures/crashy.ts";
import { never } from "./fixtures/broken_start.ts";
import { assert, assertEquals, rejection, run, test } from "./_harness.ts";

const sleep = (ms: number) => new Promise((wake) => setTimeout(wake, ms));

test("an uncaught error from a timer a task left behind: in-flight calls reject, the lane gets a new worker", async () => {
  const pool = createPool({ threads: 1 })({ leaveBomb, slowEcho, echo, whoAmI });
  try {
    const before = await pool.call.whoAmI();
    assertEquals(await pool.call.leaveBomb(100), "armed");
    const inFlight = pool.call.slowEcho("lost");
    const error = await rejection(inFlight);
    assert(error instanceof WorkerCrashedError, String(error));
    assertEquals(error.name, "WorkerCrashedError");
    assert(/crashed: .*bomb from a timer/.test(error.message), error.message);
    assertEquals(await pool.call.echo("still serving"), "still serving");
    assert((await pool.call.whoAmI()) !== before, "a new worker took the lane");
  } finally {
    await pool.shutdown();
  }
});

test("a crash on one worker leaves the other worker's calls alone", async () => {
  // Without stealing: the doomed worker must not take the other one's calls.
  const pool = createPool({ threads: 2, host: { steal: false } })({ leaveBomb, slowEcho, echo, whoAmI });
  try {
    // Both workers up first (a worker that is up takes calls queued for one
    // still starting).
    for (let i = 0; i < 200 && new Set(await Promise.all([pool.call.whoAmI(), pool.call.whoAmI()])).size < 2; i++);
    // Sequential calls go to worker 0; the bomb lands there.
    assertEquals(await pool.call.leaveBomb(150), "armed");
    const calls = Array.from({ length: 20 }, (_, i) => pool.call.slowEcho(i));
    const settled = await Promise.allSettled(calls);
    const fulfilled = settled.filter((s) => s.status === "fulfilled");
    const rejected = settled.filter((s) => s.status === "rejected") as PromiseRejectedResult[];
    assert(fulfilled.length > 0, "the healthy worker's calls resolve");
    for (const r of rejected) assert(r.reason instanceof WorkerCrashedError, String(r.reason));
    for (const f of fulfilled) assert(typeof (f as PromiseFulfilledResult<number>).value === "number");
    const after = await Promise.all(Array.from({ length: 20 }, (_, i) => pool.call.echo(i)));
    assertEquals(after, Array.from({ length: 20 }, (_, i) => i));
  } finally {
    await pool.shutdown();
  }
});

test("a worker that cannot start rejects calls with the start-up error, and never hangs", async () => {
  const pool = createPool({ threads: 1 })({ never });
  try {
    for (let i = 0; i < 5; i++) {
      const error = await rejection(pool.call.never());
      assert(error instanceof WorkerCrashedError, String(error));
      assert(/Worker startup failed: .*refuses to load in a worker/.test(error.message), error.message);
    }
  } finally {
    await pool.shutdown();
  }
});

test("many crashes in a row: the pool keeps replacing workers", async () => {
  const pool = createPool({ threads: 1 })({ leaveBomb, echo });
  try {
    for (let round = 0; round < 3; round++) {
      assertEquals(await pool.call.leaveBomb(1), "armed");
      await sleep(50);
      assertEquals(await pool.call.echo(round), round);
    }
  } finally {
    await pool.shutdown();
  }
});

function workerThreads() {
  let count = 0;
  for (const entry of Deno.readDirSync("/proc/self/task")) {
    // Worker threads and spare ones made ahead of time (knit-prewarm).
    if (Deno.readTextFileSync(`/proc/self/task/${entry.name}/comm`).startsWith("knit-")) count++;
  }
  return count;
}

test("shutdown while a crashed worker is being replaced leaves no thread behind", async () => {
  const before = workerThreads();
  for (const wait of [0, 5, 50]) {
    const pool = createPool({ threads: 1 })({ leaveBomb, echo });
    assertEquals(await pool.call.leaveBomb(1), "armed");
    await sleep(30);
    // Finds the dead worker, so a replacement starts; may reject as closed.
    const late = pool.call.echo("late").catch(() => "closed");
    await sleep(wait);
    await pool.shutdown();
    await late;
  }
  assertEquals(workerThreads(), before);
});

if (isMain) await run();
