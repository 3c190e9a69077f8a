// Task timeouts, all four forms, on one clock for the whole
// process: a task that finishes in time is never cut short (the original
// times every call out at once on Deno), and a synchronous task stuck past
// its timeout is interrupted and its worker replaced.
import { createPool, isMain, task, TaskTimeoutError } from "knitting";
import { assert, assertEquals, knit, rejection, run, test } from "./_harness.ts";

const sleep = (ms: number) => new Promise((wake) => setTimeout(wake, ms));

export const slowReject = task({ f: async (ms: number) => (await sleep(ms), "finished"), timeout: 100 });
export const slowDefault = task({ f: async (ms: number) => (await sleep(ms), "finished"), timeout: { time: 100, default: "fallback" } });
export const slowMaybe = task({ f: async (ms: number) => (await sleep(ms), "finished"), timeout: { time: 100, maybe: true } });
export const slowError = task({
  f: async (ms: number) => (await sleep(ms), "finished"),
  timeout: { time: 100, error: { code: "E_SLOW" } },
});
export const noTimeout = task({ f: async (ms: number) => (await sleep(ms), "finished"), timeout: { time: -1 } });
export const spinForever = task({
  f: (_: unknown) => {
    for (;;) { /* never returns */ }
  },
  timeout: 150,
});
export const cooperative = task({
  abortSignal: true,
  timeout: 80,
  f: async (_: unknown, { hasAborted }: { hasAborted(): boolean }) => {
    while (!hasAborted()) await sleep(5);
    (globalThis as Record<string, unknown>).sawAbort = true;
    return "stopped";
  },
});
export const sawAbort = task({ f: () => (globalThis as Record<string, unknown>).sawAbort === true });
export const syncQuick = task({ f: (x: number) => x * 2, timeout: 1000 });

const pool = createPool({ threads: 2 })({
  slowReject,
  slowDefault,
  slowMaybe,
  slowError,
  noTimeout,
  spinForever,
  syncQuick,
});

test("a task that finishes within its timeout resolves with its value", async () => {
  assertEquals(await pool.call.slowReject(20), "finished");
  assertEquals(await pool.call.slowDefault(20), "finished");
  assertEquals(await pool.call.syncQuick(21), 42);
});

test("timeout: number rejects with a TaskTimeoutError naming the task", async () => {
  const error = await rejection(pool.call.slowReject(2000));
  assert(error instanceof TaskTimeoutError, String(error));
  assertEquals(error.name, "TaskTimeoutError");
  assert(/^Task timeout: slowReject did not finish within 100 ms/.test(error.message), error.message);
});

test("timeout { default } resolves with the default", async () => {
  assertEquals(await pool.call.slowDefault(2000), "fallback");
});

test("timeout { maybe: true } resolves with undefined", async () => {
  assertEquals(await pool.call.slowMaybe(2000), undefined);
});

test("timeout { error } rejects with exactly that value", async () => {
  assertEquals(await rejection(pool.call.slowError(2000)), { code: "E_SLOW" });
});

test("a negative time means no timeout", async () => {
  assertEquals(await pool.call.noTimeout(250), "finished");
});

test("many concurrent timed calls each get their own outcome", async () => {
  const results = await Promise.all(
    Array.from({ length: 40 }, (_, i) => pool.call.slowDefault(i % 2 === 0 ? 10 : 1500)),
  );
  results.forEach((value, i) => assertEquals(value, i % 2 === 0 ? "finished" : "fallback", `call ${i}`));
});

test("a synchronous task stuck past its timeout is interrupted and the pool keeps serving", async () => {
  const stuck = pool.call.spinForever(null);
  const error = await rejection(stuck);
  assert(error instanceof TaskTimeoutError, String(error));
  const after = await Promise.all(Array.from({ length: 10 }, (_, i) => pool.call.syncQuick(i)));
  assertEquals(after, Array.from({ length: 10 }, (_, i) => i * 2));
});

test("calls queued behind a stuck task go to the replacement worker", async () => {
  const single = createPool({ threads: 1 })({ spinForever, syncQuick });
  try {
    const stuck = rejection(single.call.spinForever(null));
    const queued = [1, 2, 3].map((x) => single.call.syncQuick(x));
    assert((await stuck) instanceof TaskTimeoutError);
    assertEquals(await Promise.all(queued), [2, 4, 6]);
  } finally {
    await single.shutdown();
  }
});

test("a timeout raises the abort flag, so a cooperative task can stop", async () => {
  const single = createPool({ threads: 1 })({ cooperative, sawAbort });
  try {
    const error = await rejection(single.call.cooperative(null));
    assert(error instanceof TaskTimeoutError, String(error));
    let seen = false;
    for (let i = 0; i < 50 && !seen; i++) {
      await sleep(10);
      seen = await single.call.sawAbort();
    }
    assert(seen, "the task saw hasAborted() turn true");
  } finally {
    await single.shutdown();
  }
});

// The host waits for a busy worker without taking its own event loop away:
// it spins for tens of µs at most, then parks (which turns the event loop).
// A process pinned to one core is where a spin costs most (every offer of
// the core can cost a time slice): a spin by count kept the event loop
// away for 100 ms there, and the interval fired 18 times instead of ~68.
for (const cpus of [undefined, "0"]) {
  test(`a busy worker does not stop the host's event loop${cpus ? " (pinned to one core)" : ""}`, async () => {
    const fixture = new URL("./fixtures/busy_timers.ts", import.meta.url).pathname;
    const { code, stdout, stderr } = await knit(["run", "-A", fixture], { cpus, seconds: 60 });
    assertEquals(code, 0, stderr);
    const seen = JSON.parse(stdout);
    assert(seen.withPool >= seen.baseline / 2, `interval ticks: ${JSON.stringify(seen)}`);
    assertEquals(seen.timedOut, "TaskTimeoutError", JSON.stringify(seen));
    // Typically 10-14 ms; the bound leaves room for a shared machine and
    // still fails the starvation this guards against (100+ ms).
    assert(seen.timedOutAfterMs < 50, `the 10 ms timeout fired after ${seen.timedOutAfterMs} ms`);
  });
}

if (isMain) {
  await run();
  await pool.shutdown();
}
