// Pool start-up: createPool -> every worker replied, for Knitting and for
// Web Workers. Two cases:
// - the first pool of a program: a fresh knit process per round, which
//   imports Knitting and creates the pool at once (the spare runtimes knit
//   starts on import are still being made);
// - a later pool: in one process, once the spares are ready (each round
//   waits until the previous round's threads are gone and spares refilled).
// Run: knit run -A bench/startup.ts [rounds=10]   (release build)
import { createPool, isMain, task } from "knitting";
import { sleep, summarize, table } from "./_stats.ts";

export const echo = task({ f: (value: unknown) => value });

const ROUNDS = Number(Deno.args[0] ?? 10);
const CHILD = Deno.args[1] as "knitting" | "web" | undefined;
const THREADS = 2;
/** Long enough for dead threads to be reaped and spares to be remade. */
const SETTLE_MS = 400;

async function knitting() {
  const start = performance.now();
  const pool = createPool({ threads: THREADS })({ echo });
  await Promise.all(Array.from({ length: THREADS }, () => pool.call.echo(1)));
  const firstReply = performance.now() - start;
  await pool.shutdown();
  return firstReply;
}

async function webWorkers() {
  const start = performance.now();
  const workers = Array.from({ length: THREADS }, () =>
    new Worker(new URL("./echo_worker.ts", import.meta.url), { type: "module" })
  );
  await Promise.all(workers.map((w) => new Promise((resolve) => {
    w.onmessage = resolve;
    w.postMessage(1);
  })));
  const firstReply = performance.now() - start;
  workers.forEach((w) => w.terminate());
  return firstReply;
}

/** The first pool (or Web Workers) of a fresh knit process, ms. */
async function inFreshProcess(side: "knitting" | "web") {
  const { code, stdout } = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", new URL(import.meta.url).pathname, "1", side],
    stderr: "inherit",
  }).output();
  if (code !== 0) throw new Error(`the ${side} start-up round exited with ${code}`);
  return Number(new TextDecoder().decode(stdout).trim());
}

if (isMain && CHILD) {
  console.log(CHILD === "knitting" ? await knitting() : await webWorkers());
} else if (isMain) {
  const first = [];
  const firstWeb = [];
  for (let i = 0; i < ROUNDS; i++) {
    first.push(await inFreshProcess("knitting"));
    firstWeb.push(await inFreshProcess("web"));
  }
  const later = [];
  const laterWeb = [];
  for (let i = 0; i < ROUNDS; i++) {
    await sleep(SETTLE_MS);
    later.push(await knitting());
    await sleep(SETTLE_MS);
    laterWeb.push(await webWorkers());
  }
  const rows = { first: summarize(first), firstWeb: summarize(firstWeb), later: summarize(later), laterWeb: summarize(laterWeb) };
  console.log(`threads: ${THREADS}; ${ROUNDS} rounds; createPool / new Worker -> every worker replied (ms)`);
  table(["case", "Knitting p50", "Knitting p90", "Web Workers p50", "Web Workers p90"], [
    ["first pool of a program", rows.first.p50, rows.first.p90, rows.firstWeb.p50, rows.firstWeb.p90],
    ["a later pool", rows.later.p50, rows.later.p90, rows.laterWeb.p50, rows.laterWeb.p90],
  ]);
  console.log(JSON.stringify({ bench: "startup", threads: THREADS, rounds: ROUNDS, firstReplyMs: { knitting: { first: rows.first, later: rows.later }, webWorkers: { first: rows.firstWeb, later: rows.laterWeb } } }));
}
