// Schema validation with `zod` in a pool of 2 workers, in batches, and on
// the host; prints the valid/invalid counts (deterministic: the payloads
// are generated, every seventh one broken in one of three ways).
//
//   cd examples && npm ci && knit run schema_validate/schema_validate.ts [--payloads 20000]
import { createPool, isMain, task } from "@vixeny/knitting";
import { validateBatch, type Verdict } from "./schema.ts";
import { numberFlag, random } from "../shared.ts";

export const validate = task({ f: (batch: unknown[]) => validateBatch(batch) });

const pool = createPool({ threads: 2 })({ validate });

function payloads(count: number): unknown[] {
  const next = random(11);
  return Array.from({ length: count }, (_, i) => {
    const user = {
      id: i + 1,
      email: `user${i}@example.com`,
      name: `User ${i}`,
      age: 13 + Math.floor(next() * 80),
      roles: [["admin", "editor", "viewer"][i % 3]],
      address: { city: "Lisbon", zip: String(10000 + (i % 90000)) },
    };
    if (i % 7 === 3) user.email = "not-an-email";
    if (i % 7 === 5) user.age = 7;
    if (i % 21 === 6) user.roles = [];
    return user;
  });
}

function sum(verdicts: Verdict[]): Verdict {
  return verdicts.reduce((a, b) => ({ valid: a.valid + b.valid, invalid: a.invalid + b.invalid, issues: a.issues.concat(b.issues) }));
}

if (isMain) {
  const all = payloads(numberFlag("payloads", 20000));
  const batches: unknown[][] = [];
  for (let i = 0; i < all.length; i += 500) batches.push(all.slice(i, i + 500));

  let started = performance.now();
  const onHost = sum(batches.map(validateBatch));
  const hostMs = performance.now() - started;

  started = performance.now();
  const inPool = sum(await Promise.all(batches.map((batch) => pool.call.validate(batch))));
  const poolMs = performance.now() - started;
  await pool.shutdown();

  console.log(`valid: ${inPool.valid}, invalid: ${inPool.invalid}`);
  console.log(`same as host: ${JSON.stringify(inPool) === JSON.stringify(onHost)}`);
  console.log(`first issues: ${inPool.issues.slice(0, 3).join(" | ")}`);
  console.error(`host ${hostMs.toFixed(0)} ms, pool of 2 ${poolMs.toFixed(0)} ms`);
}
