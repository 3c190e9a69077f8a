// @ts-check
// The module the embedding program runs: a task, and on the main thread a
// pool that calls it. Workers import this module too, for `square`. Plain
// JavaScript: the program's loader reads files as they are (no TypeScript).
import { createPool, isMain, task } from "knitting";

export const square = task({ f: (/** @type {number} */ n) => n * n });

if (isMain) {
  const pool = createPool({ threads: 2 })({ square });
  const squares = await Promise.all([1, 2, 3, 4, 5].map((n) => pool.call.square(n)));
  console.log(`squares: ${squares.join(" ")}`);
  console.log(`answered by the workers: ${pool.stats().completed}`);
  await pool.shutdown();
}
