// JWT revalidation (HMAC-SHA256 with WebCrypto) in a pool of 2 workers and
// on the host; prints how many tokens were accepted, renewed and rejected,
// and the bytes of all answers (deterministic: fixed clock and secrets).
//
//   knit run examples/jwt_revalidation/jwt_revalidation.ts [--tokens 4000]
import { createPool, isMain, task } from "@vixeny/knitting";
import { revalidate, sign } from "./jwt.ts";
import { numberFlag } from "../shared.ts";

const SECRET = "knitting-example-secret";
const NOW = 1_700_000_000;

export const check = task({ f: (token: string) => revalidate(token, SECRET, NOW) });

const pool = createPool({ threads: 2 })({ check });

async function tokens(count: number): Promise<string[]> {
  return await Promise.all(Array.from({ length: count }, async (_, i) => {
    // A quarter expire soon (renewed), a sixth have expired, a ninth are forged.
    const exp = i % 4 === 0 ? NOW + 120 : i % 6 === 1 ? NOW - 10 : NOW + 3600;
    const token = await sign({ sub: `user-${i}`, iat: NOW - 60, exp }, i % 9 === 2 ? "wrong-secret" : SECRET);
    return token;
  }));
}

function tally(outcomes: { status: string; token?: string }[]) {
  const counts = { accepted: 0, renewed: 0, rejected: 0, bytes: 0 };
  for (const o of outcomes) {
    counts[o.status as "accepted"]++;
    counts.bytes += JSON.stringify(o).length;
  }
  return counts;
}

if (isMain) {
  const list = await tokens(numberFlag("tokens", 4000));

  let started = performance.now();
  const onHost = tally(await Promise.all(list.map((t) => revalidate(t, SECRET, NOW))));
  const hostMs = performance.now() - started;

  started = performance.now();
  const inPool = tally(await Promise.all(list.map((t) => pool.call.check(t))));
  const poolMs = performance.now() - started;
  await pool.shutdown();

  console.log(`accepted: ${inPool.accepted}, renewed: ${inPool.renewed}, rejected: ${inPool.rejected}, answer bytes: ${inPool.bytes}`);
  console.log(`same as host: ${JSON.stringify(inPool) === JSON.stringify(onHost)}`);
  console.error(`host ${hostMs.toFixed(0)} ms, pool of 2 ${poolMs.toFixed(0)} ms`);
}
