// Password hashing with PBKDF2-SHA256 (WebCrypto, native code) in a pool of
// 2 workers and on the host; prints the request count and a SHA-256 over all
// derived keys (deterministic: salts come from a seeded generator).
//
//   knit run examples/salt_hashing/salt_hashing.ts [--requests 64] [--iterations 50000]
import { createPool, isMain, task } from "@vixeny/knitting";
import { numberFlag, random, sha256 } from "../shared.ts";

type Request = { password: string; salt: Uint8Array; iterations: number };

export async function hashPassword({ password, salt, iterations }: Request): Promise<string> {
  const material = await crypto.subtle.importKey("raw", new TextEncoder().encode(password), "PBKDF2", false, ["deriveBits"]);
  const bits = await crypto.subtle.deriveBits({ name: "PBKDF2", hash: "SHA-256", salt, iterations }, material, 256);
  return btoa(String.fromCharCode(...new Uint8Array(bits)));
}

export const hash = task({ f: hashPassword });

const pool = createPool({ threads: 2 })({ hash });

if (isMain) {
  const iterations = numberFlag("iterations", 50000);
  const next = random(5);
  const requests: Request[] = Array.from({ length: numberFlag("requests", 64) }, (_, i) => ({
    password: `correct horse ${i}`,
    salt: Uint8Array.from({ length: 16 }, () => Math.floor(next() * 256)),
    iterations,
  }));

  let started = performance.now();
  const onHost: string[] = [];
  for (const request of requests) onHost.push(await hashPassword(request));
  const hostMs = performance.now() - started;

  started = performance.now();
  const inPool = await Promise.all(requests.map((request) => pool.call.hash(request)));
  const poolMs = performance.now() - started;
  await pool.shutdown();

  console.log(`hashed: ${inPool.length} x ${iterations} iterations`);
  console.log(`same as host: ${inPool.every((key, i) => key === onHost[i])}`);
  console.log(`keys sha256: ${await sha256(inPool.join(","))}`);
  console.error(`host ${hostMs.toFixed(0)} ms, pool of 2 ${poolMs.toFixed(0)} ms`);
}
