// Shutdown (the original's bugs fixed): idempotent, pending calls reject with a
// PoolClosedError, later calls reject "Pool is shut down", { drain: true }
// lets in-flight calls finish, and a pool left open does not keep knit alive.
import { createPool, isMain, PoolClosedError, task } from "knitting";
import { assert, assertEquals, knit, rejection, run, test } from "./_harness.ts";

const sleep = (ms: number) => new Promise((wake) => setTimeout(wake, ms));

export const slow = task({ f: async (ms: number) => (await sleep(ms), ms) });

test("shutdown returns the same promise each time and rejects pending calls with PoolClosedError", async () => {
  const pool = createPool({ threads: 1 })({ slow });
  const pending = pool.call.slow(2000);
  const first = pool.shutdown();
  assert(pool.shutdown() === first, "same promise");
  const error = await rejection(pending);
  assert(error instanceof PoolClosedError, String(error));
  assertEquals(error.name, "PoolClosedError");
  assert(/^Thread closed/.test(error.message), error.message);
  await first;
  const later = await rejection(pool.call.slow(1));
  assert(later instanceof PoolClosedError, String(later));
  assertEquals(later.message, "Pool is shut down");
});

test("shutdown({ drain: true }) waits for in-flight calls and refuses new ones", async () => {
  const pool = createPool({ threads: 2 })({ slow });
  const inFlight = [pool.call.slow(150), pool.call.slow(50), pool.call.slow(100)];
  const done = pool.shutdown({ drain: true });
  assertEquals((await rejection(pool.call.slow(1))).message, "Pool is shut down");
  assertEquals(await Promise.all(inFlight), [150, 50, 100]);
  await done;
});

test("shutdown(delayMs) lets calls finish within the delay", async () => {
  const pool = createPool({ threads: 1 })({ slow });
  await pool.call.slow(1); // worker up
  const quick = pool.call.slow(20);
  const done = pool.shutdown(300);
  assertEquals(await quick, 20);
  await done;
});

test("using disposes the pool at the end of the block", async () => {
  let escaped: { call: { slow(ms: number): Promise<number> }; shutdown(): Promise<void> };
  {
    using pool = createPool({ threads: 1 })({ slow });
    assertEquals(await pool.call.slow(1), 1);
    escaped = pool;
  }
  const error = await rejection(escaped.call.slow(1));
  assert(error instanceof PoolClosedError, String(error));
  await escaped.shutdown(); // the disposal's shutdown, until its threads are gone
});

function workerThreads() {
  const names = [];
  for (const entry of Deno.readDirSync("/proc/self/task")) {
    names.push(Deno.readTextFileSync(`/proc/self/task/${entry.name}/comm`).trim());
  }
  // Worker threads and spare ones made ahead of time (knit-prewarm).
  return names.filter((name) => name.startsWith("knit-"));
}

test("no worker thread outlives its pool: after shutdown resolves, its threads are gone", async () => {
  const before = workerThreads().length;
  const pool = createPool({ threads: 3 })({ slow });
  await Promise.all([pool.call.slow(1), pool.call.slow(1), pool.call.slow(1)]);
  assertEquals(workerThreads().length, before + 3);
  await pool.shutdown();
  assertEquals(workerThreads().length, before);
});

test("knit exits when the main module is done, even with a pool left open", async () => {
  const script = new URL("./fixtures/open_pool.ts", import.meta.url).pathname;
  const child = new Deno.Command(Deno.execPath(), { args: ["run", "-A", script], stdout: "piped" }).spawn();
  const timer = setTimeout(() => child.kill("SIGKILL"), 20_000);
  const { code, stdout } = await child.output();
  clearTimeout(timer);
  assertEquals(new TextDecoder().decode(stdout).trim(), "got 42");
  assertEquals(code, 0);
});

test("a worker blocked in native code is abandoned: its call times out, the lane serves again, shutdown ends, knit exits", async () => {
  const { code, stdout, stderr } = await knit(["run", "-A", new URL("./fixtures/stuck.ts", import.meta.url).pathname], {
    seconds: 60,
  });
  assertEquals(code, 0, stderr);
  const lines = stdout.trim().split("\n");
  assertEquals(lines[0], "block: TaskTimeoutError");
  assertEquals(lines[1], "echo: served again");
  assertEquals(lines[2], "echo: and again");
  assertEquals(lines[4], "shutdown: done; the stuck call: PoolClosedError");
});

test("handlers attached right after `await shutdown()` catch the pending calls (no unhandled rejection)", async () => {
  const { code, stdout, stderr } = await knit(["run", "-A", new URL("./fixtures/late_handlers.ts", import.meta.url).pathname], {
    seconds: 60,
  });
  assertEquals(code, 0, stderr);
  const lines = stdout.trim().split("\n");
  assertEquals(lines.filter((l) => l.startsWith("caught PoolClosedError: Thread closed")).length, 2, stdout);
  assertEquals(lines.at(-1), "still running");
});

if (isMain) await run();
