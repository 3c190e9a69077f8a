// @ts-check
// More of the API on deno_core alone (run by scripts/test.sh): a timeout
// that interrupts a worker stuck in a loop (a new worker takes its lane),
// an error class kept across threads, 1 MiB of bytes each way, an object.
// Task code here has deno_core's globals only: no setTimeout, no URL.
import { createPool, isMain, task } from "knitting";

export const spin = task({
  f: (/** @type {number} */ ms) => {
    const end = Date.now() + ms;
    while (Date.now() < end);
    return ms;
  },
  timeout: 50,
});
export const fail = task({
  f: () => {
    throw new RangeError("out of range");
  },
});
export const length = task({ f: (/** @type {Uint8Array} */ bytes) => bytes.length });
export const filled = task({ f: (/** @type {number} */ n) => new Uint8Array(n).fill(7) });
export const seen = task({ f: (/** @type {object} */ record) => ({ ...record, seen: true }) });

if (isMain) {
  const pool = createPool({ threads: 2 })({ spin, fail, length, filled, seen });
  /** @param {Promise<unknown>} call */
  const outcome = (call) => call.then(String, (error) => `${error.name}: ${error.message.split(":")[0]}`);
  const results = [
    await outcome(pool.call.spin(10)),
    await outcome(pool.call.spin(2000)),
    await outcome(pool.call.fail()),
    await outcome(pool.call.length(new Uint8Array(1 << 20))),
    await pool.call.filled(1 << 20).then((bytes) => bytes.length === 1 << 20 && bytes.every((b) => b === 7)),
    JSON.stringify(await pool.call.seen({ a: 1 })),
  ];
  console.log(`more: ${results.join(" | ")}`);
  await pool.shutdown();
}
