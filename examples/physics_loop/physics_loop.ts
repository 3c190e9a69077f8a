// Random walks on a 2D grid (a physics loop over Float64Arrays): how often a
// walker escapes a disc before its step budget runs out. Batches of walks run
// in a pool; prints the escape probability and mean steps (deterministic).
//
//   knit run examples/physics_loop/physics_loop.ts [--runs 6000] [--threads 2]
import { createPool, isMain, task } from "@vixeny/knitting";
import { numberFlag, random } from "../shared.ts";

const RADIUS = 40;
const MAX_STEPS = 2_000;
const BATCH = 250;

/** Walks `count` walkers seeded from `seed`; returns [escaped, total steps]. */
export function walk([seed, count]: [number, number]): Float64Array {
  const next = random(seed);
  const position = new Float64Array(2);
  let escaped = 0;
  let steps = 0;
  for (let w = 0; w < count; w++) {
    position[0] = 0;
    position[1] = 0;
    for (let s = 1; s <= MAX_STEPS; s++) {
      const angle = next() * 2 * Math.PI;
      position[0] += Math.cos(angle);
      position[1] += Math.sin(angle);
      if (position[0] * position[0] + position[1] * position[1] > RADIUS * RADIUS) {
        escaped++;
        steps += s;
        break;
      }
      if (s === MAX_STEPS) steps += s;
    }
  }
  return Float64Array.of(escaped, steps);
}

export const batch = task({ f: walk });

const pool = createPool({ threads: numberFlag("threads", 2), balancer: "firstIdle" })({ batch });

if (isMain) {
  const runs = numberFlag("runs", 6000);
  const batches: [number, number][] = [];
  for (let done = 0, seed = 100; done < runs; done += BATCH, seed++) batches.push([seed, Math.min(BATCH, runs - done)]);

  const started = performance.now();
  const results = await Promise.all(batches.map((b) => pool.call.batch(b)));
  const ms = performance.now() - started;
  await pool.shutdown();

  const escaped = results.reduce((n, r) => n + r[0], 0);
  const steps = results.reduce((n, r) => n + r[1], 0);
  console.log(`runs: ${runs}, escape probability: ${(escaped / runs).toFixed(4)}, mean steps: ${(steps / runs).toFixed(1)}`);
  console.error(`${batches.length} batches in ${ms.toFixed(0)} ms`);
}
