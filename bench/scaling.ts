// CPU-bound scaling: 64 tasks of ~5 ms of synchronous work, on 1 thread and
// on 2, for Knitting and for Web Workers + postMessage, in one knit process.
// Speed-up = wall(1 thread) / wall(2 threads).
// Run: knit run -A bench/scaling.ts [tasks=64] [rounds=5]
import { createPool, isMain, task } from "knitting";
import { work } from "./uneven_work.ts";
import { expectAll, summarize, table } from "./_stats.ts";
import { webWorkers } from "./_web_workers.ts";

export const busy = task({ f: work });

const TASKS = Number(Deno.args[0] ?? 64);
const ROUNDS = Number(Deno.args[1] ?? 5);
const COST_MS = 5;

async function wall(run: (ms: number) => Promise<unknown>) {
  await Promise.all(Array.from({ length: 4 }, () => run(1)));
  const walls = [];
  for (let r = 0; r < ROUNDS; r++) {
    const start = performance.now();
    const back = await Promise.all(Array.from({ length: TASKS }, () => run(COST_MS)));
    walls.push(performance.now() - start);
    expectAll(Array(TASKS).fill(COST_MS), back);
  }
  return summarize(walls).p50;
}

async function knitting(threads: number) {
  const pool = createPool({ threads })({ busy });
  try {
    return await wall(pool.call.busy);
  } finally {
    await pool.shutdown();
  }
}

async function postMessage(threads: number) {
  const web = await webWorkers(new URL("./busy_worker.ts", import.meta.url), threads, "leastBusy");
  try {
    return await wall(web.send as (ms: number) => Promise<unknown>);
  } finally {
    web.close();
  }
}

if (isMain) {
  const k1 = await knitting(1);
  const k2 = await knitting(2);
  const w1 = await postMessage(1);
  const w2 = await postMessage(2);
  console.log(`${TASKS} tasks of ${COST_MS} ms of CPU work; median wall of ${ROUNDS} rounds (ms)`);
  table(["runtime", "1 thread ms", "2 threads ms", "speed-up"], [
    ["Knitting", k1, k2, `${(k1 / k2).toFixed(2)}×`],
    ["Web Workers + postMessage", w1, w2, `${(w1 / w2).toFixed(2)}×`],
  ]);
  console.log(JSON.stringify({ bench: "scaling", tasks: TASKS, costMs: COST_MS, knitting: { one: k1, two: k2, speedup: k1 / k2 }, postMessage: { one: w1, two: w2, speedup: w1 / w2 } }));
}
