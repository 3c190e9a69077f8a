// Memory: RSS this process gains per idle worker, for a Knitting pool and for
// Web Workers, once every worker has answered one call. Run it with
// KNIT_PREWARM=0: spare runtimes made ahead of time are already in "before".
// Run: KNIT_PREWARM=0 knit run -A bench/memory.ts [workers=4]
import { createPool, isMain, task } from "knitting";
import { sleep, table } from "./_stats.ts";
import { webWorkers } from "./_web_workers.ts";

export const echo = task({ f: (value: unknown) => value });

const WORKERS = Number(Deno.args[0] ?? 4);

function rssMiB() {
  const status = Deno.readTextFileSync("/proc/self/status");
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)![1]) / 1024;
}

async function settle() {
  await sleep(300);
  return rssMiB();
}

if (isMain) {
  const before = await settle();
  const pool = createPool({ threads: WORKERS, balancer: "roundRobin" })({ echo });
  await Promise.all(Array.from({ length: WORKERS * 4 }, () => pool.call.echo(1)));
  const withPool = await settle();
  await pool.shutdown();
  const afterPool = await settle();
  const web = await webWorkers(new URL("./echo_worker.ts", import.meta.url), WORKERS, "roundRobin");
  await Promise.all(Array.from({ length: WORKERS * 4 }, () => web.send(1)));
  const withWeb = await settle();
  web.close();
  const knitting = (withPool - before) / WORKERS;
  const postMessage = (withWeb - afterPool) / WORKERS;
  if (Deno.env.get("KNIT_PREWARM") !== "0") {
    console.log("note: spare pre-warmed runtimes are counted before the pool; run with KNIT_PREWARM=0");
  }
  console.log(`RSS added per idle worker, ${WORKERS} workers (MiB)`);
  table(["runtime", "MiB per worker"], [["Knitting", knitting], ["Web Workers", postMessage]]);
  console.log(JSON.stringify({ bench: "memory", workers: WORKERS, mibPerWorker: { knitting, postMessage } }));
}
