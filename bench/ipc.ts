// Knitting vs Web Workers + postMessage, in one knit process.
// Run: knit run -A bench/ipc.ts   (release build)
import { createPool, isMain, task } from "knitting";
import { cpuSeconds, expectAll, expectSame, sleep, summarize, table } from "./_stats.ts";
import { webWorkers } from "./_web_workers.ts";

export const echo = task({ f: (value: unknown) => value });

const THREADS = 2;
const SEQUENTIAL = Number(Deno.args[0] ?? 20_000);
const BURST_ROUNDS = Number(Deno.args[1] ?? 2_000);
const IDLE_SECONDS = Number(Deno.args[2] ?? 5);

type Echo = (value: unknown) => Promise<unknown>;

async function sequential(echo: Echo, n: number) {
  for (let i = 0; i < 1000; i++) await echo("warm");
  const samples = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const start = performance.now();
    const back = await echo("hello");
    samples[i] = (performance.now() - start) * 1000;
    expectSame("hello", back);
  }
  return summarize(samples);
}

async function burst(echo: Echo, size: number, rounds: number) {
  const batch = Array.from({ length: size }, (_, i) => `m${i}`);
  for (let i = 0; i < 50; i++) await Promise.all(batch.map(echo));
  const start = performance.now();
  for (let r = 0; r < rounds; r++) expectAll(batch, await Promise.all(batch.map(echo)));
  return (size * rounds) / ((performance.now() - start) / 1000);
}

async function idleCpuPercent(seconds: number) {
  await sleep(200);
  const before = cpuSeconds();
  await sleep(seconds * 1000);
  return ((cpuSeconds() - before) / seconds) * 100;
}

if (isMain) {
  const pool = createPool({ threads: THREADS })({ echo });
  // Same lane choice as the pool: the least busy worker.
  const web = await webWorkers(new URL("./echo_worker.ts", import.meta.url), THREADS, "leastBusy");
  await pool.call.echo("up");
  await web.send("up");

  const knitSeq = await sequential(pool.call.echo, SEQUENTIAL);
  const webSeq = await sequential(web.send, Math.min(SEQUENTIAL, 5_000));
  const bursts = [];
  for (const size of [1, 25, 50]) {
    const rounds = Math.max(20, Math.floor(BURST_ROUNDS / Math.sqrt(size)));
    bursts.push({ size, knitting: await burst(pool.call.echo, size, rounds), postMessage: await burst(web.send, size, Math.max(20, rounds >> 2)) });
  }
  web.close();
  const idle = await idleCpuPercent(IDLE_SECONDS);
  await pool.shutdown();

  console.log(`threads: ${THREADS}; sequential echo of a short string (µs per call)`);
  table(["figure", "Knitting", "postMessage", "ratio"], [
    ["sequential p50 µs", knitSeq.p50, webSeq.p50, `${(webSeq.p50 / knitSeq.p50).toFixed(1)}×`],
    ["sequential p90 µs", knitSeq.p90, webSeq.p90, `${(webSeq.p90 / knitSeq.p90).toFixed(1)}×`],
    ["sequential p99 µs", knitSeq.p99, webSeq.p99, `${(webSeq.p99 / knitSeq.p99).toFixed(1)}×`],
    ...bursts.map((b) => [`burst ${b.size} calls/s`, b.knitting, b.postMessage, `${(b.knitting / b.postMessage).toFixed(1)}×`]),
    ["idle pool CPU % of a core", idle, "—", "—"],
  ]);
  console.log(JSON.stringify({ bench: "ipc", threads: THREADS, sequentialUs: { knitting: knitSeq, postMessage: webSeq }, burstCallsPerSecond: bursts, idlePoolCpuPercent: idle }));
}
