// pool.stats(): per-worker counters (answered, failed, stolen, in flight)
// and run and wait times from one call in `sampleEvery`.
import { createPool, isMain, task } from "knitting";
import { busy } from "./fixtures/steal_tasks.ts";
import { assert, assertEquals, run, test } from "./_harness.ts";

export const echo = task({ f: (value: number) => value });
export const fail = task({
  f: (message: string) => {
    throw new Error(message);
  },
});

const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);

test("completed and failed calls are counted per worker and in total; nothing is in flight after", async () => {
  const pool = createPool({ threads: 2 })({ echo, fail });
  try {
    await Promise.all(Array.from({ length: 300 }, (_, i) => pool.call.echo(i)));
    const errors = await Promise.allSettled(Array.from({ length: 40 }, (_, i) => pool.call.fail(`no ${i}`)));
    assert(errors.every((e) => e.status === "rejected"), "the failing task resolved");
    const stats = pool.stats();
    assertEquals(stats.completed, 300);
    assertEquals(stats.failed, 40);
    assertEquals(stats.workers.length, 2);
    assertEquals(sum(stats.workers.map((w) => w.completed)), 300, "per worker");
    assertEquals(sum(stats.workers.map((w) => w.failed)), 40, "per worker");
    assertEquals(stats.workers.map((w) => [w.inFlight, w.queued]), [[0, 0], [0, 0]], "in flight, queued");
    assertEquals(stats.inline, null);
    // One call in sampleEvery is timed: 340 calls give about 21 samples.
    assertEquals(stats.sampleEvery, 16);
    assert(Math.abs(stats.runTime.samples - 340 / 16) <= 2, `${stats.runTime.samples} run-time samples`);
    assertEquals(stats.waitTime.samples, stats.runTime.samples);
    assertEquals(sum(stats.workers.map((w) => w.runTime.samples)), stats.runTime.samples);
  } finally {
    await pool.shutdown();
  }
});

test("run time is the task's own time; wait time and utilization follow from it", async () => {
  const pool = createPool({ threads: 1 })({ busy });
  try {
    await pool.call.busy(1);
    for (let i = 0; i < 64; i++) await pool.call.busy(3);
    const { runTime, waitTime, workers } = pool.stats();
    assert(runTime.samples >= 4, `${runTime.samples} samples`);
    // 3 ms of work (more if the worker was descheduled); buckets are ~19 % wide.
    assert(runTime.p50 >= 2500 && runTime.p50 <= 6000, `run p50 ${runTime.p50} µs for 3 ms tasks`);
    assert(runTime.mean >= 2900, `run mean ${runTime.mean} µs for 3 ms tasks`);
    assert(waitTime.p50 >= 0 && waitTime.p50 < runTime.p50, `wait p50 ${waitTime.p50} µs`);
    const utilization = workers[0].utilization;
    assert(utilization > 0.2 && utilization <= 1, `utilization ${utilization}`);
  } finally {
    await pool.shutdown();
  }
});

test("calls taken from a busy peer count as stolen by the worker that ran them", async () => {
  const pool = createPool({ threads: 2, balancer: "roundRobin", host: { steal: true } })({ busy });
  try {
    for (let i = 0; i < 100; i++) {
      if (new Set(await Promise.all([pool.call.busy(5), pool.call.busy(5)])).size === 2) break;
    }
    const before = sum(pool.stats().workers.map((w) => w.stolen));
    const heavy = pool.call.busy(300);
    await Promise.all(Array.from({ length: 10 }, () => pool.call.busy(1)));
    await heavy;
    const stats = pool.stats();
    assert(sum(stats.workers.map((w) => w.stolen)) > before, `stolen: ${JSON.stringify(stats.workers.map((w) => w.stolen))}`);
    assertEquals(stats.failed, 0);
  } finally {
    await pool.shutdown();
  }
});

test("the inline lane and the single-task shorthand report too", async () => {
  const pool = createPool({ threads: 1, inliner: { position: "first" } })({ echo });
  try {
    await Promise.all(Array.from({ length: 20 }, (_, i) => pool.call.echo(i)));
    const stats = pool.stats();
    assert(stats.inline !== null, "no inline entry");
    assertEquals(stats.inline!.completed + stats.workers[0].completed, 20);
    assertEquals(stats.completed, 20);
  } finally {
    await pool.shutdown();
  }
  const single = echo.createPool({ threads: 1 });
  try {
    await single.call(5);
    assertEquals(single.stats().completed, 1);
  } finally {
    await single.shutdown();
  }
});

if (isMain) await run();
