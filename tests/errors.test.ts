// A task that throws or rejects rejects only that call, with an Error that
// keeps name, message and stack; the worker goes on serving.
import { createPool, isMain, task } from "knitting";
import { assert, assertEquals, rejection, run, test } from "./_harness.ts";

export const fail = task({
  f: (message: string) => {
    throw new Error(message);
  },
});
export const failAsync = task({
  f: async (message: string) => {
    await new Promise((resolve) => setTimeout(resolve, 1));
    throw new RangeError(message);
  },
});
export const failWithString = task({
  f: (): never => {
    throw "plain-string";
  },
});
export const failWithCause = task({
  f: () => {
    throw new Error("outer", { cause: new TypeError("inner") });
  },
});
export const customName = task({
  f: () => {
    const error = new Error("custom");
    error.name = "ValidationError";
    throw error;
  },
});
export const ok = task({ f: (n: number) => n + 1 });
// Results that attack the worker loop while it inspects them.
export const throwingThen = task({
  f: () => ({
    get then() {
      throw new Error("then getter");
    },
  }),
});
export const throwingProxy = task({
  f: () =>
    new Proxy({}, {
      getPrototypeOf() {
        throw new Error("getPrototypeOf trap");
      },
      get() {
        throw new Error("get trap");
      },
    }),
});
export const slowOk = task({
  f: async (n: number) => {
    await new Promise((resolve) => setTimeout(resolve, 50));
    return n;
  },
});

const pool = createPool({ threads: 1 })({ fail, failAsync, failWithString, failWithCause, customName, ok, throwingThen, throwingProxy, slowOk });

test("a thrown Error keeps name, message and a stack from the task's module", async () => {
  const error = await rejection(pool.call.fail("boom"));
  assert(error instanceof Error);
  assertEquals(error.name, "Error");
  assertEquals(error.message, "boom");
  assert(String(error.stack).includes("errors.test.ts"), `stack: ${error.stack}`);
});

test("an async rejection keeps its error class", async () => {
  const error = await rejection(pool.call.failAsync("late"));
  assert(error instanceof RangeError, String(error));
  assertEquals(error.message, "late");
});

test("a thrown non-Error arrives as that value", async () => {
  assertEquals(await rejection(pool.call.failWithString()), "plain-string");
});

test("cause is kept", async () => {
  const error = await rejection(pool.call.failWithCause());
  assertEquals(error.message, "outer");
  assert(error.cause instanceof TypeError, String(error.cause));
  assertEquals(error.cause.message, "inner");
});

test("a custom error name is kept", async () => {
  const error = await rejection(pool.call.customName());
  assertEquals(error.name, "ValidationError");
  assertEquals(error.message, "custom");
});

test("the worker keeps serving after failures, and only the failing calls reject", async () => {
  const results = await Promise.allSettled([
    pool.call.ok(1),
    pool.call.fail("x"),
    pool.call.ok(2),
    pool.call.failAsync("y"),
    pool.call.ok(3),
  ]);
  assertEquals(results.map((r) => r.status), ["fulfilled", "rejected", "fulfilled", "rejected", "fulfilled"]);
  assertEquals(results.filter((r) => r.status === "fulfilled").map((r) => (r as PromiseFulfilledResult<number>).value), [2, 3, 4]);
});

test("a result whose then getter or Proxy trap throws fails only its call; calls in flight on the worker finish", async () => {
  const inFlight = pool.call.slowOk(7);
  const then = await rejection(pool.call.throwingThen());
  assert(then instanceof Error && then.message === "then getter", String(then));
  const proxy = await rejection(pool.call.throwingProxy());
  assert(proxy instanceof Error && /trap/.test(proxy.message), String(proxy));
  assertEquals(await inFlight, 7, "the call in flight on the same worker is answered");
  assertEquals(await pool.call.ok(1), 2);
});

if (isMain) {
  await run();
  await pool.shutdown();
}
