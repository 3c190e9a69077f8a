// Pool behaviour: task lookup, async tasks, Promise arguments, Web APIs in
// workers, shutdown semantics, start-up that does not block the host.
import { createPool, isMain, task } from "knitting";
import * as viaJsr from "jsr:@vixeny/knitting";
import * as viaNpm from "npm:knitting";
import * as viaScope from "@vixeny/knitting";
import { assert, assertEquals, rejection, run, test } from "./_harness.ts";

export const echo = task({ f: (value: unknown) => value });
export const double = task({ f: async (n: number) => {
  await new Promise((resolve) => setTimeout(resolve, 2));
  return n * 2;
} });
export const whoAmI = task({ f: () => ({ isMain, hasDeno: typeof Deno === "object" }) });
export const webApis = task({
  f: async (text: string) => {
    const bytes = new TextEncoder().encode(text);
    const url = new URL("/path?q=1", "https://example.com");
    const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
    const cloned = structuredClone({ d: new Date(0), m: new Map([[1, 2]]) });
    await new Promise((resolve) => setTimeout(resolve, 1));
    return {
      decoded: new TextDecoder().decode(bytes),
      search: url.searchParams.get("q"),
      digestLength: digest.length,
      uuid: /^[0-9a-f-]{36}$/.test(crypto.randomUUID()),
      cloned: cloned.m.get(1) === 2 && cloned.d.getTime() === 0,
      cwd: typeof Deno.cwd(),
    };
  },
});
export function plainFunction(n: number) {
  return n - 1;
}

const pool = createPool({ threads: 2 })({ echo, double, whoAmI, webApis, plainFunction, renamed: double });

test("every import name is the same module", () => {
  assert(viaJsr.createPool === createPool && viaNpm.createPool === createPool && viaScope.task === task);
});

test("isMain is true on the host and false in workers", async () => {
  assert(isMain === true);
  assertEquals(await pool.call.whoAmI(), { isMain: false, hasDeno: true });
});

test("async tasks are awaited in the worker", async () => {
  assertEquals(await pool.call.double(21), 42);
});

test("a pool key that differs from the export name calls the right task", async () => {
  assertEquals(await pool.call.renamed(5), 10);
});

test("an exported plain function works as a pool entry", async () => {
  assertEquals(await pool.call.plainFunction(10), 9);
});

test("a Promise argument is awaited on the host before dispatch", async () => {
  assertEquals(await pool.call.echo(Promise.resolve({ late: true })), { late: true });
  const reason = new Error("never sent");
  assertEquals(await rejection(pool.call.echo(Promise.reject(reason))), reason);
});

test("Web APIs and Deno work inside tasks", async () => {
  assertEquals(await pool.call.webApis("knit"), {
    decoded: "knit",
    search: "1",
    digestLength: 32,
    uuid: true,
    cloned: true,
    cwd: "string",
  });
});

test("calls made right after createPool queue until the workers are up", async () => {
  const fresh = createPool({ threads: 2 })({ echo });
  const results = await Promise.all(Array.from({ length: 100 }, (_, i) => fresh.call.echo(i)));
  assertEquals(results, Array.from({ length: 100 }, (_, i) => i));
  await fresh.shutdown();
});

test("shutdown rejects pending calls, is idempotent, and later calls reject", async () => {
  const short = createPool({ threads: 1 })({ double });
  const pending = short.call.double(1);
  const first = short.shutdown();
  assert(short.shutdown() === first, "shutdown returns the same promise");
  const error = await rejection(pending);
  assertEquals(error.name, "PoolClosedError");
  assert(/shut down/.test(error.message), error.message);
  await first;
  const later = await rejection(short.call.double(1));
  assert(later instanceof Error && /Pool is shut down/.test(later.message), String(later));
});

test("Symbol.dispose shuts the pool down", async () => {
  let call: { echo: (v: unknown) => Promise<unknown> };
  {
    using scoped = createPool({ threads: 1 })({ echo });
    call = scoped.call;
    assertEquals(await call.echo(1), 1);
  }
  assert((await rejection(call.echo(2))) instanceof Error);
});

test("a task that is not exported fails the call with an error naming it", async () => {
  const hidden = task({ f: () => 1 });
  const broken = createPool({ threads: 1 })({ hidden });
  const error = await rejection(broken.call.hidden());
  assertEquals(error.name, "WorkerCrashedError");
  assert(/"hidden"/.test(error.message) && /pool\.test\.ts/.test(error.message), error.message);
  assert((await rejection(broken.call.hidden())) instanceof Error, "later calls reject too");
  await broken.shutdown();
});

test("a plain function whose export name differs from its key fails clearly", async () => {
  const broken = createPool({ threads: 1 })({ minusOne: plainFunction });
  const error = await rejection(broken.call.minusOne(1));
  assert(/no exported function named "minusOne"/.test(error.message), error.message);
  await broken.shutdown();
});

test("bad createPool input throws at once", () => {
  let thrown: unknown = null;
  try {
    createPool({ threads: 0 });
  } catch (error) {
    thrown = error;
  }
  assert(thrown instanceof RangeError, String(thrown));
  try {
    createPool({ threads: 1 })({ notATask: 42 as never });
    thrown = null;
  } catch (error) {
    thrown = error;
  }
  assert(thrown instanceof TypeError && /"notATask"/.test((thrown as Error).message), String(thrown));
});

if (isMain) {
  await run();
  await pool.shutdown();
}
