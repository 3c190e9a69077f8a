// Churn: what a worker started and stopped leaves behind. Makes N
// one-thread pools one after another (each answers one call and shuts
// down), and as many Web Workers (each answers one message and is
// terminated), each side in a fresh knit process, and prints the RSS each
// gained per worker after a warm-up of 20. Spare pre-warmed runtimes are
// turned off, so every Knitting worker makes its runtime.
// Run: knit run -A bench/churn.ts [workers=200]
import { createPool, isMain, task } from "knitting";
import { table } from "./_stats.ts";

export const ping = task({ f: () => "pong" });

const WORKERS = Number(Deno.args[0] ?? 200);
const SIDE = Deno.args[1] as "knitting" | "webWorkers" | undefined;
const WARM = 20;

function rssMiB() {
  return Number(/VmRSS:\s+(\d+) kB/.exec(Deno.readTextFileSync("/proc/self/status"))![1]) / 1024;
}

async function one(side: "knitting" | "webWorkers") {
  if (side === "knitting") {
    const pool = createPool({ threads: 1 })({ ping });
    if ((await pool.call.ping()) !== "pong") throw new Error("a wrong answer");
    await pool.shutdown();
    return;
  }
  const worker = new Worker(new URL("./echo_worker.ts", import.meta.url), { type: "module" });
  await new Promise((done) => {
    worker.onmessage = done;
    worker.postMessage("ping");
  });
  worker.terminate();
}

async function measureHere(side: "knitting" | "webWorkers") {
  for (let i = 0; i < WARM; i++) await one(side);
  const before = rssMiB();
  for (let i = 0; i < WORKERS; i++) await one(side);
  return (rssMiB() - before) / WORKERS;
}

if (isMain) {
  if (SIDE !== undefined) {
    console.log(JSON.stringify({ perWorkerMiB: await measureHere(SIDE) }));
  } else {
    const rows = [];
    const results: Record<string, number> = {};
    for (const side of ["knitting", "webWorkers"] as const) {
      const out = await new Deno.Command(Deno.execPath(), {
        args: ["run", "-A", new URL(import.meta.url).pathname, String(WORKERS), side],
        env: { KNIT_PREWARM: "0" },
        stderr: "inherit",
      }).output();
      const text = new TextDecoder().decode(out.stdout).trim().split("\n").at(-1)!;
      results[side] = JSON.parse(text).perWorkerMiB;
      rows.push([side === "knitting" ? "Knitting pool (1 thread)" : "Web Worker", results[side]]);
    }
    table(["worker started and stopped", "RSS MiB left per worker"], rows);
    console.log(JSON.stringify({ bench: "churn", workers: WORKERS, ...results }));
  }
}
