// Hunting a large prime with BigInt: windows of odd candidates above a
// 256-bit start are sieved by small primes and tested with Miller–Rabin in a
// pool of workers; prints the first prime above the start (deterministic).
//
//   knit run examples/big_prime/big_prime.ts [--bits 256] [--window 2000] [--threads 2]
import { createPool, isMain, task } from "@vixeny/knitting";
import { numberFlag } from "../shared.ts";

const SMALL_PRIMES = [3n, 5n, 7n, 11n, 13n, 17n, 19n, 23n, 29n, 31n, 37n, 41n, 43n, 47n, 53n, 59n, 61n, 67n, 71n];
const BASES = [2n, 3n, 5n, 7n, 11n, 13n, 17n, 19n, 23n, 29n, 31n, 37n];

function modPow(base: bigint, exponent: bigint, modulus: bigint): bigint {
  let result = 1n;
  base %= modulus;
  while (exponent > 0n) {
    if (exponent & 1n) result = (result * base) % modulus;
    base = (base * base) % modulus;
    exponent >>= 1n;
  }
  return result;
}

export function isProbablePrime(n: bigint): boolean {
  if (n < 2n) return false;
  for (const p of SMALL_PRIMES) if (n % p === 0n) return n === p;
  let d = n - 1n;
  let r = 0;
  while ((d & 1n) === 0n) {
    d >>= 1n;
    r++;
  }
  witness: for (const a of BASES) {
    let x = modPow(a, d, n);
    if (x === 1n || x === n - 1n) continue;
    for (let i = 1; i < r; i++) {
      x = (x * x) % n;
      if (x === n - 1n) continue witness;
    }
    return false;
  }
  return true;
}

/** The first probable prime in [from, from + 2*count), odd numbers only, or "". */
export function scan([from, count]: [bigint, number]): string {
  for (let i = 0n; i < BigInt(count); i++) {
    const candidate = from + 2n * i;
    if (isProbablePrime(candidate)) return candidate.toString();
  }
  return "";
}

export const window = task({ f: scan });

const pool = createPool({ threads: numberFlag("threads", 2), balancer: "firstIdle" })({ window });

if (isMain) {
  const bits = numberFlag("bits", 256);
  const size = numberFlag("window", 2000);
  const start = (1n << BigInt(bits - 1)) + 1n; // odd
  const started = performance.now();
  let found = "";
  let windows = 0;
  // Rounds of one window per thread, until a window holds a prime.
  for (let round = 0; !found; round++) {
    const threads = numberFlag("threads", 2);
    const firsts = Array.from({ length: threads }, (_, t) => start + 2n * BigInt(size) * BigInt(round * threads + t));
    const results = await Promise.all(firsts.map((first) => pool.call.window([first, size])));
    windows += threads;
    found = results.find((r) => r !== "") ?? "";
  }
  await pool.shutdown();
  console.log(`bits: ${bits}, prime: ${found}`);
  console.log(`offset from 2^${bits - 1}: ${BigInt(found) - (1n << BigInt(bits - 1))}`);
  console.error(`${windows} windows of ${size} in ${(performance.now() - started).toFixed(0)} ms`);
}
