// Latency under oversubscription: the host plus 2 workers on a 2-core
// machine, with 2 calls always in flight (each worker always busy), for
// Knitting and Web Workers + postMessage. The figure: p99 / p50.
// Run: knit run -A bench/oversubscribed.ts [calls=20000]
import { createPool, isMain, task } from "knitting";
import { expectSame, summarize, table } from "./_stats.ts";
import { webWorkers } from "./_web_workers.ts";

export const echo = task({ f: (value: unknown) => value });

const CALLS = Number(Deno.args[0] ?? 20_000);
const IN_FLIGHT = 2;

async function latencies(send: (value: unknown) => Promise<unknown>, calls: number) {
  for (let i = 0; i < 500; i++) await send("warm");
  const samples: number[] = [];
  let left = calls;
  const lane = async () => {
    while (left-- > 0) {
      const start = performance.now();
      const back = await send("hello");
      samples.push((performance.now() - start) * 1000);
      expectSame("hello", back);
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, lane));
  return summarize(samples);
}

if (isMain) {
  const pool = createPool({ threads: 2 })({ echo });
  const web = await webWorkers(new URL("./echo_worker.ts", import.meta.url), 2, "leastBusy");
  const knitting = await latencies(pool.call.echo, CALLS);
  const postMessage = await latencies(web.send, Math.min(CALLS, 5_000));
  await pool.shutdown();
  web.close();
  console.log(`host + 2 workers, ${IN_FLIGHT} calls in flight, echo of a short string (µs)`);
  table(["runtime", "p50 µs", "p90 µs", "p99 µs", "p99 / p50"], [
    ["Knitting", knitting.p50, knitting.p90, knitting.p99, `${(knitting.p99 / knitting.p50).toFixed(1)}×`],
    ["Web Workers + postMessage", postMessage.p50, postMessage.p90, postMessage.p99, `${(postMessage.p99 / postMessage.p50).toFixed(1)}×`],
  ]);
  console.log(JSON.stringify({ bench: "oversubscribed", inFlight: IN_FLIGHT, knitting, postMessage }));
}
