// Moving bytes: 64 concurrent echoes of a 1 MiB Uint8Array (and of a 1 MiB
// string), Knitting vs Web Workers + postMessage in this one knit process.
// GB/s = 64 MiB / wall time (as the original's docs count it; every echo
// crosses twice). Every byte of every result is checked.
// Run: knit run -A bench/bytes.ts [rounds=20]
import { createPool, isMain, task } from "knitting";
import { expectAll, summarize, table } from "./_stats.ts";
import { webWorkers } from "./_web_workers.ts";

export const echo = task({ f: (bytes: Uint8Array) => bytes });

const THREADS = 2;
const COUNT = 64;
const SIZE = 1 << 20;
const ROUNDS = Number(Deno.args[0] ?? 20);

// Random bytes, so a misplaced or stale block cannot pass the check.
function randomBlocks() {
  return Array.from({ length: COUNT }, () => {
    const block = new Uint8Array(SIZE);
    for (let at = 0; at < SIZE; at += 65536) crypto.getRandomValues(block.subarray(at, at + 65536));
    return block;
  });
}

const digest = async (bytes: Uint8Array) => new Uint8Array(await crypto.subtle.digest("SHA-256", bytes)).join();

/** Checks every byte of every echo by its SHA-256 (outside the timed part). */
async function byteChecker(blocks: Uint8Array[]) {
  const expected = await Promise.all(blocks.map(digest));
  return async (back: unknown[]) => {
    for (let i = 0; i < COUNT; i++) {
      const bytes = back[i];
      if (!(bytes instanceof Uint8Array) || bytes.length !== SIZE || (await digest(bytes)) !== expected[i]) {
        throw new Error(`block ${i} came back different`);
      }
    }
  };
}

// The same amount as 1 MiB strings (ASCII with a few multi-byte characters).
function texts() {
  return Array.from({ length: COUNT }, (_, i) => `${i}:é🧶:` + "knitting ".repeat(SIZE / 9).slice(0, SIZE - 12));
}

async function measure(
  send: (value: unknown) => Promise<unknown>,
  values: unknown[],
  verify: (back: unknown[]) => unknown,
) {
  const seconds = [];
  for (let r = 0; r < ROUNDS + 2; r++) {
    const start = performance.now();
    const back = await Promise.all(values.map(send));
    const elapsed = (performance.now() - start) / 1000;
    await verify(back);
    back.length = 0; // free this round's results before timing the next
    if (r >= 2) seconds.push(elapsed);
  }
  const { p50, p90 } = summarize(seconds);
  return { gbPerSecondP50: (COUNT * SIZE) / p50 / 1e9, gbPerSecondP90: (COUNT * SIZE) / p90 / 1e9 };
}

if (isMain) {
  const pool = createPool({ threads: THREADS })({ echo });
  const web = await webWorkers(new URL("./echo_worker.ts", import.meta.url), THREADS, "leastBusy");
  const blocks = randomBlocks();
  const checkBytes = await byteChecker(blocks);
  const knitting = await measure(pool.call.echo, blocks, checkBytes);
  const postMessage = await measure(web.send, blocks, checkBytes);
  const strings = texts();
  const checkStrings = (back: unknown[]) => expectAll(strings, back);
  const knittingText = await measure(pool.call.echo, strings, checkStrings);
  const postMessageText = await measure(web.send, strings, checkStrings);
  await pool.shutdown();
  web.close();
  console.log(`${COUNT} concurrent echoes of ${SIZE / (1 << 20)} MiB, ${THREADS} threads, ${ROUNDS} rounds`);
  const row = (name: string, a: number, b: number) => [name, a, b, `${(a / b).toFixed(2)}×`];
  table(["figure", "Knitting", "postMessage", "ratio"], [
    row("Uint8Array GB/s (median round)", knitting.gbPerSecondP50, postMessage.gbPerSecondP50),
    row("Uint8Array GB/s (p90 round)", knitting.gbPerSecondP90, postMessage.gbPerSecondP90),
    row("string GB/s (median round)", knittingText.gbPerSecondP50, postMessageText.gbPerSecondP50),
  ]);
  console.log(JSON.stringify({
    bench: "bytes",
    threads: THREADS,
    count: COUNT,
    bytes: SIZE,
    knitting,
    postMessage,
    strings: { knitting: knittingText, postMessage: postMessageText },
  }));
}
