// createPool options that concern threads: balancers, the
// inliner, worker timers, hardTimeoutMs, resolveAfterFinishingAll, debug,
// and a warning (once) for keys the pool does not know.
import { createPool, HardTimeoutError, isMain, task } from "knitting";
import { delayed, mark, recurse, spin, stackDepth, where, whereRef, whereSlow } from "./fixtures/who.ts";
import { whatBootstrapSet } from "./fixtures/bootstrap/tasks.ts";
import { assert, assertEquals, knit, rejection, run, test } from "./_harness.ts";

const sleep = (ms: number) => new Promise((wake) => setTimeout(wake, ms));

async function withPool<T>(options: object, fn: (pool: any) => Promise<T>) {
  const pool = createPool(options)({ where, whereSlow, whereRef, spin, delayed, mark });
  try {
    return await fn(pool);
  } finally {
    await pool.shutdown();
  }
}

test("roundRobin (and its alias robinRound) alternates workers", async () => {
  for (const balancer of ["roundRobin", "robinRound", { strategy: "roundRobin" }]) {
    await withPool({ threads: 2, balancer }, async (pool) => {
      const seen = [];
      for (let i = 0; i < 6; i++) seen.push(await pool.call.where());
      assert(seen[0] !== seen[1], `two workers: ${seen}`);
      assertEquals(seen, [seen[0], seen[1], seen[0], seen[1], seen[0], seen[1]]);
    });
  }
});

test("firstIdle sends sequential calls to the first idle worker, bursts to the others", async () => {
  await withPool({ threads: 2, balancer: "firstIdle" }, async (pool) => {
    const sequential = new Set();
    for (let i = 0; i < 6; i++) sequential.add(await pool.call.where());
    assertEquals(sequential.size, 1);
    const burst = new Set(await Promise.all([pool.call.whereSlow(50), pool.call.whereSlow(50)]));
    assertEquals(burst.size, 2);
  });
});

test("randomLane and firstIdleOrRandom use every worker", async () => {
  for (const balancer of ["randomLane", "firstIdleOrRandom"]) {
    await withPool({ threads: 2, balancer }, async (pool) => {
      const seen = new Set(await Promise.all(Array.from({ length: 200 }, () => pool.call.whereSlow(1))));
      assertEquals(seen.size, 2, balancer);
    });
  }
});

test("the default balancer spreads a burst over all workers", async () => {
  await withPool({ threads: 3 }, async (pool) => {
    // A worker that is up takes calls queued for workers still starting, so
    // let all three start first.
    for (let i = 0; i < 100 && new Set(await Promise.all([1, 2, 3].map(() => pool.call.whereSlow(20)))).size < 3; i++);
    const seen = new Set(await Promise.all(Array.from({ length: 30 }, () => pool.call.whereSlow(20))));
    assertEquals(seen.size, 3);
  });
});

test("an unknown balancer is a RangeError naming the valid ones", () => {
  let error: unknown;
  try {
    createPool({ balancer: "fastest" })({ where });
  } catch (e) {
    error = e;
  }
  assert(error instanceof RangeError && /roundRobin/.test(error.message), String(error));
});

test("inliner: past the threshold the host runs calls itself, by reference", async () => {
  await withPool({ threads: 1, inliner: { position: "first" } }, async (pool) => {
    const value = { big: "object" };
    const [ranOn, back] = await pool.call.whereRef(value);
    assertEquals(ranOn, "host");
    assert(back === value, "inline calls pass values by reference");
    const seen = new Set(await Promise.all(Array.from({ length: 20 }, () => pool.call.where())));
    assert(seen.has("host") && seen.size === 2, `host and the worker share a burst: ${[...seen]}`);
  });
});

test("inliner dispatchThreshold keeps small bursts on workers", async () => {
  await withPool({ threads: 2, inliner: { position: "first", dispatchThreshold: 32 } }, async (pool) => {
    const seen = await Promise.all(Array.from({ length: 12 }, () => pool.call.where()));
    assert(!seen.includes("host"), "12 calls stay under a threshold of 32");
  });
  await withPool({ threads: 1, inliner: { position: "last", dispatchThreshold: 2 } }, async (pool) => {
    const seen = await Promise.all(Array.from({ length: 10 }, () => pool.call.where()));
    assert(seen.includes("host"), "10 calls pass a threshold of 2");
  });
});

test("inliner batchSize: calls past the batch wait for the event loop", async () => {
  await withPool({ threads: 1, inliner: { position: "first", batchSize: 2 } }, async (pool) => {
    const order: string[] = [];
    (globalThis as Record<string, unknown>).inlineOrder = order;
    const calls = Array.from({ length: 20 }, () => pool.call.mark());
    queueMicrotask(() => order.push("microtask"));
    await Promise.all(calls);
    delete (globalThis as Record<string, unknown>).inlineOrder;
    assert(order.filter((entry) => entry === "call").length > 2, `some calls ran inline: ${order}`);
    assertEquals(order.indexOf("microtask"), 2, `two calls ran, then other work, then the rest: ${order}`);
  });
});

test("imported tasks are never inlined", async () => {
  const imported = (await import("./fixtures/imported_where.ts")).importedWhere;
  const pool = createPool({ threads: 1, inliner: {} })({ importedWhere: imported });
  try {
    const seen = await Promise.all(Array.from({ length: 20 }, () => pool.call.importedWhere()));
    assert(seen.every((ranOn: string) => ranOn !== "host"), String(seen));
  } finally {
    await pool.shutdown();
  }
});

test("worker.timers spinMicroseconds and parkMs tune the worker and calls still work", async () => {
  await withPool({ threads: 1, worker: { timers: { spinMicroseconds: 10, parkMs: 5 } } }, async (pool) => {
    for (let i = 0; i < 5; i++) {
      assertEquals(await pool.call.delayed(1), 1);
      await sleep(20);
    }
  });
});

test("worker.hardTimeoutMs rejects a runaway call and replaces its worker", async () => {
  await withPool({ threads: 1, worker: { hardTimeoutMs: 150 } }, async (pool) => {
    const error = await rejection(pool.call.spin());
    assert(error instanceof HardTimeoutError, String(error));
    assert(/^Task hard timeout after 150ms \(spin\)/.test(error.message), error.message);
    assertEquals(await pool.call.delayed(5), 5);
  });
});

test("worker.resolveAfterFinishingAll holds results until the worker's queue is empty", async () => {
  const firstSettledWith = async (pool: any) => {
    const quick = pool.call.delayed(10);
    const slow = pool.call.delayed(400);
    await quick;
    return await Promise.race([slow, Promise.resolve("slow still pending")]);
  };
  await withPool({ threads: 1, worker: { resolveAfterFinishingAll: true } }, async (pool) => {
    await pool.call.delayed(1);
    assertEquals(await firstSettledWith(pool), 400);
  });
  await withPool({ threads: 1 }, async (pool) => {
    await pool.call.delayed(1);
    assertEquals(await firstSettledWith(pool), "slow still pending");
  });
});

test("unknown and deprecated option keys warn once each, on stderr", async () => {
  const script = new URL("./fixtures/options_warn.ts", import.meta.url).pathname;
  const { code, stderr: text } = await knit(["run", "-A", script]);
  assertEquals(code, 0, text);
  const lines = text.trim().split("\n");
  assertEquals(lines.filter((l) => l.includes('option thread is unknown')).length, 1, text);
  assertEquals(lines.filter((l) => l.includes("worker.spinMs is unknown")).length, 1, text);
  assertEquals(lines.filter((l) => l.includes("payloadInitialBytes is deprecated; use payload.payloadInitialBytes")).length, 1, text);
});

test("KNITTING_DEBUG turns on debug lines from the host and the workers", async () => {
  const script = new URL("./fixtures/open_pool.ts", import.meta.url).pathname;
  const { code, stdout, stderr: text } = await knit(["run", "-A", script], { env: { KNITTING_DEBUG: "host,imports,lifecycle,signals" } });
  assertEquals(code, 0, text);
  assertEquals(stdout.trim(), "got 42");
  assert(/^\[host·knit·\+[\d.]+ms\] host: pool \d+: threads=2 dispatcher=steal /m.test(text), text);
  assert(/^\[host·knit·\+[\d.]+ms\] host: cwd=\//m.test(text), text);
  assert(/^\[host·knit·\+[\d.]+ms\] host: task name=\w+ id=0 from=file:/m.test(text), text);
  assert(/^\[w[01]·knit·\+[\d.]+ms\] lifecycle: worker thread=[01] url=/m.test(text), text);
  assert(/^\[w[01]·knit·\+[\d.]+ms\] imports: 1 tasks from file:/m.test(text), text);
  assert(/^\[w[01]·knit·\+[\d.]+ms\] lifecycle: ready/m.test(text), text);
  assert(/^\[host·knit·\+[\d.]+ms\] signals: reply \d+ answer ok/m.test(text), text);
});

test("bad option values throw at createPool with the option's name", () => {
  const cases: Array<[object, RegExp]> = [
    [{ threads: 0 }, /threads must be an integer from 1 to 256, got 0/],
    [{ threads: 257 }, /threads must be an integer from 1 to 256, got 257/],
    [{ threads: 1.5 }, /threads must be an integer from 1 to 256/],
    [{ payload: { payloadMaxByteLength: 4 } }, /payloadMaxByteLength is too small/],
    [{ payload: { maxPayloadBytes: 1 << 30 } }, /maxPayloadBytes must be > 0 and <= 8388608/],
    [{ payload: { mode: "elastic" } }, /payload.mode must be "growable" or "fixed"/],
    [{ worker: { hardTimeoutMs: -1 } }, /worker.hardTimeoutMs/],
    [{ abortSignalCapacity: 0 }, /abortSignalCapacity/],
    [{ abortSignalCapacity: 40_000 }, /abortSignalCapacity must be an integer from 1 to 32766, got 40000/],
    [{ inliner: { position: "middle" } }, /inliner.position/],
  ];
  for (const [options, pattern] of cases) {
    let error: unknown;
    try {
      createPool(options)({ where });
    } catch (e) {
      error = e;
    }
    assert(error instanceof Error && pattern.test(error.message), `${JSON.stringify(options)}: ${error}`);
  }
});

test("resourceLimits.maxHeapMb: a worker over its heap limit stops, its call names the limit, a new worker serves", async () => {
  const { code, stdout, stderr } = await knit(["run", "-A", new URL("./fixtures/heap_hog.ts", import.meta.url).pathname], {
    seconds: 120,
  });
  assertEquals(code, 0, stderr);
  const lines = stdout.trim().split("\n");
  assertEquals(lines[0], "before: serving");
  assert(
    /^hog: WorkerCrashedError: .*its heap reached resourceLimits\.maxHeapMb \(64 MB\)/.test(lines[1]),
    lines[1],
  );
  assertEquals(lines[2], "after: replaced untouched");
  // The limit held: the process never grew far past one worker's limit
  // (the engine stops the JS at its next instruction, not 10,000 later).
  const peak = Number(lines[3].split(": ")[1]);
  assert(peak < 400, `peak RSS ${peak} MiB`);
});

test("resourceLimits.stackMb: a worker's JS stack is what the pool asks for; past it a call rejects and the worker serves on", async () => {
  const depths: Record<string, number> = {};
  for (const limits of [undefined, { stackMb: 1 }, { stackMb: 8 }, { stackSizeMb: 8 }]) {
    const pool = createPool({ threads: 1, resourceLimits: limits })({ stackDepth, recurse });
    try {
      const depth = await pool.call.stackDepth();
      depths[JSON.stringify(limits ?? "default")] = depth;
      const error = await rejection(pool.call.recurse(depth * 2));
      assert(error instanceof RangeError && /call stack/.test(error.message), String(error));
      const half = Math.floor(depth / 2);
      assertEquals(await pool.call.recurse(half), half);
    } finally {
      await pool.shutdown();
    }
  }
  const [unlimited, one, eight, alias] = Object.values(depths);
  assert(one > 500 && Math.abs(one - unlimited) < unlimited / 10, JSON.stringify(depths));
  // The stack a frame takes is fixed, so 8 MiB holds ~8x the frames of 1 MiB.
  assert(eight > 7 * one && eight < 9 * one, JSON.stringify(depths));
  assertEquals(alias, eight);
});

test("resourceLimits: a limit below what a runtime needs, or of the wrong type, is a clear error", () => {
  for (const [limits, message] of [
    [{ stackMb: 0 }, /resourceLimits\.stackMb must be an integer from 1 to 1024, got 0/],
    [{ stackSizeMb: 4096 }, /resourceLimits\.stackSizeMb must be an integer from 1 to 1024, got 4096/],
    [{ maxHeapMb: 8 }, /resourceLimits\.maxHeapMb must be an integer >= 32, got 8/],
    [{ maxOldGenerationSizeMb: "big" }, /resourceLimits\.maxOldGenerationSizeMb must be an integer >= 32, got big/],
    [5, /resourceLimits must be an object/],
  ] as const) {
    let error: unknown;
    try {
      createPool({ resourceLimits: limits as never })({ mark });
    } catch (e) {
      error = e;
    }
    assert(error instanceof Error && message.test(error.message), String(error));
  }
});

test("worker.bootstrap runs in every worker, with its data and thread, before the task modules load", async () => {
  const pool = createPool({
    threads: 2,
    host: { steal: false },
    balancer: "roundRobin",
    worker: { bootstrap: { href: "./fixtures/bootstrap/setup.ts", data: { greeting: "hi" } } },
  })({ whatBootstrapSet });
  try {
    const seen = await Promise.all([pool.call.whatBootstrapSet(), pool.call.whatBootstrapSet()]);
    for (const { atLoad, now } of seen) {
      assertEquals(atLoad, now, "the task module saw the bootstrap's work when it loaded");
      assertEquals(now.greeting, "hi");
      assertEquals(now.totalNumberOfThread, 2);
      assertEquals(now.runtime, "knit");
    }
    assertEquals(seen.map((s) => s.now.thread).sort(), [0, 1]);
  } finally {
    await pool.shutdown();
  }
});

test("a worker.bootstrap that throws fails the workers' start-up, and the calls say so", async () => {
  const pool = createPool({
    threads: 1,
    worker: { bootstrap: { href: "./fixtures/bootstrap/setup.ts", name: "fails" } },
  })({ whatBootstrapSet });
  try {
    const error = await rejection(pool.call.whatBootstrapSet());
    assert(/Worker startup failed: .*bootstrap failed on purpose/.test(String(error?.message ?? error)), String(error));
  } finally {
    await pool.shutdown();
  }
  let thrown: unknown;
  try {
    createPool({ worker: { bootstrap: { href: 5 } as never } })({ whatBootstrapSet });
  } catch (e) {
    thrown = e;
  }
  assert(thrown instanceof TypeError && /worker\.bootstrap\.href must be a string or URL/.test(thrown.message), String(thrown));
});

if (isMain) await run();
