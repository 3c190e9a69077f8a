// Monte Carlo estimate of π: chunks of random points, each chunk seeded by
// its index, counted in a pool (plus the host as one more lane through the
// inliner); prints the hits and the estimate (deterministic).
//
//   knit run examples/monte_carlo_pi/monte_carlo_pi.ts [--samples 4000000] [--threads 2]
import { createPool, isMain, task } from "@vixeny/knitting";
import { numberFlag, random } from "../shared.ts";

const CHUNK = 250_000;

export function countHits([seed, samples]: [number, number]): number {
  const next = random(seed);
  let hits = 0;
  for (let i = 0; i < samples; i++) {
    const x = next();
    const y = next();
    if (x * x + y * y <= 1) hits++;
  }
  return hits;
}

export const chunk = task({ f: countHits });

const pool = createPool({ threads: numberFlag("threads", 2), inliner: { position: "last" }, balancer: "firstIdle" })({ chunk });

if (isMain) {
  const samples = numberFlag("samples", 4_000_000);
  const chunks: [number, number][] = [];
  for (let done = 0, seed = 1; done < samples; done += CHUNK, seed++) chunks.push([seed, Math.min(CHUNK, samples - done)]);

  const started = performance.now();
  const hits = (await Promise.all(chunks.map((c) => pool.call.chunk(c)))).reduce((a, b) => a + b, 0);
  const ms = performance.now() - started;
  await pool.shutdown();

  console.log(`samples: ${samples}, hits: ${hits}, pi ≈ ${(4 * hits / samples).toFixed(4)}`);
  console.error(`${chunks.length} chunks in ${ms.toFixed(0)} ms`);
}
