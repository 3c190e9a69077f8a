// Uneven task costs: does every worker stay busy? The same heavy-tailed list
// of synchronous tasks (90 % take 0.5 ms, 10 % take 20 ms; seeded) runs
// through Knitting with work stealing (the default), Knitting with plain
// round-robin (no stealing), and Web Workers + postMessage (round-robin),
// all in this one knit process. Efficiency = work done / (threads x wall time).
// Run: knit run -A bench/uneven.ts [tasks=400] [rounds=5]
import { createPool, isMain, task } from "knitting";
import { costs, work } from "./uneven_work.ts";
import { expectAll, summarize, table } from "./_stats.ts";
import { webWorkers } from "./_web_workers.ts";

export const busy = task({ f: work });

const THREADS = 2;
const TASKS = Number(Deno.args[0] ?? 400);
const ROUNDS = Number(Deno.args[1] ?? 5);
const list = costs(TASKS);
const totalWorkMs = list.reduce((a, b) => a + b, 0);

type Run = (ms: number) => Promise<unknown>;

async function measure(run: Run) {
  await Promise.all(Array.from({ length: THREADS * 4 }, () => run(1))); // warm
  const walls = [];
  for (let r = 0; r < ROUNDS; r++) {
    const start = performance.now();
    const back = await Promise.all(list.map(run));
    walls.push(performance.now() - start);
    expectAll(list, back);
  }
  const wall = summarize(walls).p50;
  return { wallMs: wall, efficiency: totalWorkMs / (THREADS * wall) };
}

if (isMain) {
  const stealing = createPool({ threads: THREADS })({ busy });
  const roundRobin = createPool({ threads: THREADS, balancer: "roundRobin" })({ busy });
  const web = await webWorkers(new URL("./busy_worker.ts", import.meta.url), THREADS, "roundRobin");
  const results = {
    stealing: await measure(stealing.call.busy),
    roundRobin: await measure(roundRobin.call.busy),
    postMessage: await measure(web.send),
  };
  await stealing.shutdown();
  await roundRobin.shutdown();
  web.close();
  const ideal = totalWorkMs / THREADS;
  console.log(`${TASKS} tasks, ${totalWorkMs.toFixed(0)} ms of work, ${THREADS} threads (ideal wall ${ideal.toFixed(0)} ms); median of ${ROUNDS}`);
  table(["scheduler", "wall ms", "efficiency"], [
    ["Knitting, work stealing (default)", results.stealing.wallMs, `${(results.stealing.efficiency * 100).toFixed(1)} %`],
    ["Knitting, roundRobin (no stealing)", results.roundRobin.wallMs, `${(results.roundRobin.efficiency * 100).toFixed(1)} %`],
    ["Web Workers + postMessage, round-robin", results.postMessage.wallMs, `${(results.postMessage.efficiency * 100).toFixed(1)} %`],
  ]);
  console.log(JSON.stringify({ bench: "uneven", threads: THREADS, tasks: TASKS, workMs: totalWorkMs, results }));
}
