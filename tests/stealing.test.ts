// Work stealing (done our way): a worker with nothing to do takes
// requests queued behind a busy peer, so uneven task costs do not leave a
// worker idle while calls wait. On by default with more than one thread.
import { createPool, isMain, WorkerCrashedError } from "knitting";
import { busy, crashSoon } from "./fixtures/steal_tasks.ts";
import { assert, assertEquals, rejection, run, test } from "./_harness.ts";

// Until both workers have answered (a starting worker's calls may be
// taken by the other, so one round is not proof).
async function bothWorkersUp(pool: any) {
  for (let i = 0; i < 200; i++) {
    if (new Set(await Promise.all([pool.call.busy(5), pool.call.busy(5)])).size === 2) return;
  }
  throw new Error("the second worker never answered");
}

// Round-robin puts every other call behind the long one on worker 0.
async function lightCallsBehindAHeavyOne(steal: boolean) {
  const pool = createPool({ threads: 2, balancer: "roundRobin", host: { steal } })({ busy });
  try {
    await bothWorkersUp(pool);
    let heavyDone = false;
    const heavy = pool.call.busy(400).then((id: string) => ((heavyDone = true), id));
    const light = Array.from({ length: 10 }, () => pool.call.busy(1));
    await Promise.all(light);
    const finishedBeforeHeavy = !heavyDone;
    await heavy;
    return finishedBeforeHeavy;
  } finally {
    await pool.shutdown();
  }
}

test("with stealing, calls queued behind a long task run on the idle worker", async () => {
  assert(await lightCallsBehindAHeavyOne(true), "the light calls did not wait for the heavy one");
});

test("without stealing (host.steal: false) they wait behind it", async () => {
  assert(!(await lightCallsBehindAHeavyOne(false)), "some light calls waited for the heavy one");
});

test("a stolen call whose new worker dies rejects as crashed; the heavy call is unaffected", async () => {
  const pool = createPool({ threads: 2, balancer: "roundRobin", host: { steal: true } })({ busy, crashSoon });
  try {
    await bothWorkersUp(pool);
    const heavy = pool.call.busy(400); // worker 0
    const quick = pool.call.busy(1); // worker 1
    const doomed = pool.call.crashSoon(); // queued on worker 0, taken by worker 1
    const error = await rejection(doomed);
    assert(error instanceof WorkerCrashedError && /stealer died/.test(error.message), String(error));
    assertEquals(typeof (await quick), "string");
    assertEquals(typeof (await heavy), "string");
    assertEquals((await Promise.all([pool.call.busy(1), pool.call.busy(1)])).length, 2);
  } finally {
    await pool.shutdown();
  }
});

test("many calls of uneven cost all resolve exactly once with stealing on", async () => {
  const pool = createPool({ threads: 3 })({ busy });
  try {
    const costs = Array.from({ length: 300 }, (_, i) => (i % 37 === 0 ? 30 : i % 3));
    const results = await Promise.all(costs.map((ms) => pool.call.busy(ms)));
    assertEquals(results.length, 300);
    assert(results.every((id) => typeof id === "string" && id !== "host"));
  } finally {
    await pool.shutdown();
  }
});

if (isMain) await run();
