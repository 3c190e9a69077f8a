// Memory: RSS a process gains per idle worker, for a Knitting pool and for
// Web Workers, once every worker has answered one call. Each side is measured
// in a fresh knit process of its own: in one process the second side would
// reuse the malloc arenas the first side's dead threads left behind, and look
// smaller than it is. Spare pre-warmed runtimes are turned off (they would be
// counted before the pool).
// Run: knit run -A bench/memory.ts [workers=4]
import { createPool, isMain, task } from "knitting";
import { sleep, table } from "./_stats.ts";
import { webWorkers } from "./_web_workers.ts";

export const echo = task({ f: (value: unknown) => value });

const WORKERS = Number(Deno.args[0] ?? 4);
const SIDE = Deno.args[1] as "knitting" | "postMessage" | undefined;

function rssMiB() {
  const status = Deno.readTextFileSync("/proc/self/status");
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)![1]) / 1024;
}

async function settle() {
  await sleep(300);
  return rssMiB();
}

/** RSS per worker, measured in this process. */
async function measureHere(side: "knitting" | "postMessage") {
  const before = await settle();
  if (side === "knitting") {
    const pool = createPool({ threads: WORKERS, balancer: "roundRobin" })({ echo });
    await Promise.all(Array.from({ length: WORKERS * 4 }, () => pool.call.echo(1)));
    const after = await settle();
    await pool.shutdown();
    return (after - before) / WORKERS;
  }
  const web = await webWorkers(new URL("./echo_worker.ts", import.meta.url), WORKERS, "roundRobin");
  await Promise.all(Array.from({ length: WORKERS * 4 }, () => web.send(1)));
  const after = await settle();
  web.close();
  return (after - before) / WORKERS;
}

/** RSS per worker, measured in a fresh knit process. */
async function measureApart(side: "knitting" | "postMessage") {
  const { code, stdout } = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", new URL(import.meta.url).pathname, String(WORKERS), side],
    env: { KNIT_PREWARM: "0" },
    stderr: "inherit",
  }).output();
  if (code !== 0) throw new Error(`the ${side} measurement exited with ${code}`);
  return Number(new TextDecoder().decode(stdout).trim());
}

if (isMain) {
  if (SIDE) {
    console.log(await measureHere(SIDE));
  } else {
    const knitting = await measureApart("knitting");
    const postMessage = await measureApart("postMessage");
    console.log(`RSS added per idle worker, ${WORKERS} workers, each side in its own process (MiB)`);
    table(["runtime", "MiB per worker"], [["Knitting", knitting], ["Web Workers", postMessage]]);
    console.log(JSON.stringify({ bench: "memory", workers: WORKERS, mibPerWorker: { knitting, postMessage } }));
  }
}
