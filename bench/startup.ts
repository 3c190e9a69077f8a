// Pool start-up: createPool -> first reply, for Knitting and for Web Workers.
// Run: knit run -A bench/startup.ts   (release build)
import { createPool, isMain, task } from "knitting";
import { summarize, table } from "./_stats.ts";

export const echo = task({ f: (value: unknown) => value });

const ROUNDS = Number(Deno.args[0] ?? 10);
const THREADS = 2;

async function knitting() {
  const start = performance.now();
  const pool = createPool({ threads: THREADS })({ echo });
  const created = performance.now() - start;
  await Promise.all(Array.from({ length: THREADS }, () => pool.call.echo(1)));
  const firstReply = performance.now() - start;
  await pool.shutdown();
  return { created, firstReply };
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

if (isMain) {
  const knit = [];
  const web = [];
  for (let i = 0; i < ROUNDS; i++) {
    knit.push(await knitting());
    web.push(await webWorkers());
  }
  const created = summarize(knit.map((k) => k.created));
  const reply = summarize(knit.map((k) => k.firstReply));
  const webReply = summarize(web);
  console.log(`threads: ${THREADS}; ${ROUNDS} rounds (ms)`);
  table(["figure", "p50", "p90"], [
    ["Knitting createPool returns", created.p50, created.p90],
    ["Knitting createPool -> every worker replied", reply.p50, reply.p90],
    ["Web Workers -> every worker replied", webReply.p50, webReply.p90],
  ]);
  console.log(JSON.stringify({ bench: "startup", threads: THREADS, rounds: ROUNDS, createPoolMs: created, firstReplyMs: reply, webWorkersFirstReplyMs: webReply }));
}
