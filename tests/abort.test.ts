// Abort-aware tasks: the task gets { hasAborted, now }; the
// call's promise gets .reject(reason?); capacity is abortSignalCapacity.
import { AbortSignalPoolExhaustedError, createPool, isMain, task } from "knitting";
import { assert, assertEquals, rejection, run, test } from "./_harness.ts";

const sleep = (ms: number) => new Promise((wake) => setTimeout(wake, ms));
type Toolkit = { hasAborted(): boolean; now(): number };

export const waitForAbort = task({
  abortSignal: true,
  f: async (value: string, { hasAborted }: Toolkit) => {
    for (let i = 0; i < 400 && !hasAborted(); i++) await sleep(5);
    return hasAborted() ? `${value}:aborted-seen` : `${value}:never-aborted`;
  },
});
export const toolkitShape = task({
  abortSignal: { hasAborted: true },
  f: (_: unknown, toolkit: Toolkit) => [typeof toolkit.hasAborted, toolkit.hasAborted(), typeof toolkit.now()],
});
export const hold = task({
  abortSignal: true,
  f: async (ms: number) => (await sleep(ms), ms),
});
export const plain = task({ f: (x: number) => x });

const pool = createPool({ threads: 2 })({ waitForAbort, toolkitShape, plain });

test("an abort-aware task gets { hasAborted, now } as its second argument", async () => {
  assertEquals(await pool.call.toolkitShape(null), ["function", false, "number"]);
});

test(".reject() with no reason raises the flag; the call settles with what the task returns", async () => {
  const call = pool.call.waitForAbort("v");
  await sleep(30);
  call.reject();
  assertEquals(await call, "v:aborted-seen");
});

test(".reject(undefined) is .reject(): it raises the flag and the call settles with what the task returns", async () => {
  const call = pool.call.waitForAbort("u");
  await sleep(30);
  call.reject(undefined);
  assertEquals(await call, "u:aborted-seen");
});

test(".reject(reason) rejects at once with that exact reason", async () => {
  const call = pool.call.waitForAbort("w");
  call.reject("changed my mind");
  assertEquals(await rejection(call), "changed my mind");
  // The abandoned run does not disturb later calls.
  assertEquals(await pool.call.plain(7), 7);
});

test(".reject before the call reaches a worker still reaches the task", async () => {
  const call = pool.call.waitForAbort(Promise.resolve("early") as unknown as string);
  call.reject();
  assertEquals(await call, "early:aborted-seen");
});

test("calls of tasks without abortSignal have no .reject", () => {
  const call = pool.call.plain(1) as Promise<number> & { reject?: unknown };
  assertEquals(call.reject, undefined);
  return call;
});

test("abortSignalCapacity bounds abort-aware calls in flight per worker; slots come back", async () => {
  const small = createPool({ threads: 1, abortSignalCapacity: 2 })({ hold });
  try {
    const first = small.call.hold(200);
    const second = small.call.hold(200);
    const third = rejection(small.call.hold(200));
    const error = await third;
    assert(error instanceof AbortSignalPoolExhaustedError, String(error));
    assert(/all 2 abort signal slots/.test(error.message), error.message);
    assertEquals(await Promise.all([first, second]), [200, 200]);
    assertEquals(await small.call.hold(1), 1);
  } finally {
    await small.shutdown();
  }
});

test("the default capacity is 258 per worker", async () => {
  const big = createPool({ threads: 1 })({ hold });
  try {
    const calls = Array.from({ length: 258 }, () => big.call.hold(100));
    const over = await rejection(big.call.hold(100));
    assert(over instanceof AbortSignalPoolExhaustedError, String(over));
    assertEquals((await Promise.all(calls)).length, 258);
  } finally {
    await big.shutdown();
  }
});

if (isMain) {
  await run();
  await pool.shutdown();
}
