// Soak: a million mixed calls, every result checked. Numbers, short and
// Unicode strings, byte arrays small and large (payload buffers), objects,
// Maps, tasks that throw and async tasks, with a window of calls in flight,
// on 2 and 4 threads (with work stealing, the default). Counts results that
// came back wrong, calls that failed unexpectedly, and calls that never
// settled (none may). Prints a table and one JSON line.
// Run: knit run -A bench/soak.ts [calls=1000000] [window=64]
import { createPool, isMain, task } from "knitting";
import { cpuSeconds, table } from "./_stats.ts";

const CALLS = Number(Deno.args[0] ?? 1_000_000);
const WINDOW = Number(Deno.args[1] ?? 64);

const sum = (bytes: Uint8Array) => bytes.reduce((a, b) => (a + b) | 0, 0);
export const double = task({ f: (n: number) => n * 2 });
export const reverse = task({ f: (s: string) => [...s].reverse().join("") });
export const checksum = task({ f: (bytes: Uint8Array) => [bytes.length, sum(bytes)] });
export const describe = task({ f: (o: { id: number; tags: string[] }) => ({ id: o.id, count: o.tags.length }) });
export const mapSize = task({ f: (m: Map<number, string>) => m.size + (m.get(0)?.length ?? 0) });
export const fail = task({
  f: (i: number) => {
    throw new Error(`boom ${i}`);
  },
});
export const later = task({ f: async (i: number) => (await Promise.resolve(), i + 1) });

type Check = { call: () => Promise<unknown>; expect: (value: unknown) => boolean; throws?: string };

function bytesOf(i: number) {
  // Every 97th call sends 96 KiB (through a payload buffer), the rest 64 B.
  const bytes = new Uint8Array(i % 97 === 0 ? 96 * 1024 : 64);
  for (let k = 0; k < bytes.length; k += 61) bytes[k] = (i + k) & 255;
  return bytes;
}

function makeCall(call: any, i: number): Check {
  switch (i % 8) {
    case 0:
      return { call: () => call.double(i), expect: (v) => v === i * 2 };
    case 1: {
      const s = `call-${i}`;
      return { call: () => call.reverse(s), expect: (v) => v === [...s].reverse().join("") };
    }
    case 2: {
      const s = `ünï ${i} 🧶 ${"x".repeat(i % 300)}`;
      return { call: () => call.reverse(s), expect: (v) => v === [...s].reverse().join("") };
    }
    case 3: {
      const bytes = bytesOf(i);
      const want = [bytes.length, sum(bytes)];
      return { call: () => call.checksum(bytes), expect: (v: any) => v[0] === want[0] && v[1] === want[1] };
    }
    case 4: {
      const tags = Array.from({ length: i % 7 }, (_, k) => `t${k}`);
      return { call: () => call.describe({ id: i, tags }), expect: (v: any) => v.id === i && v.count === tags.length };
    }
    case 5: {
      const m = new Map([[0, "a".repeat(i % 5)], [1, "b"]]);
      return { call: () => call.mapSize(m), expect: (v) => v === 2 + (i % 5) };
    }
    case 6:
      return { call: () => call.fail(i), expect: () => false, throws: `boom ${i}` };
    default:
      return { call: () => call.later(i), expect: (v) => v === i + 1 };
  }
}

async function soak(threads: number) {
  const pool = createPool({ threads })({ double, reverse, checksum, describe, mapSize, fail, later });
  let wrong = 0;
  let failed = 0;
  let settled = 0;
  let next = 0;
  const started = performance.now();
  const cpu = cpuSeconds();
  async function lane() {
    while (next < CALLS) {
      const check = makeCall(pool.call, next++);
      try {
        const value = await check.call();
        if (check.throws !== undefined || !check.expect(value)) wrong++;
      } catch (error) {
        if (check.throws === undefined || (error as Error)?.message !== check.throws) failed++;
      }
      settled++;
    }
  }
  await Promise.all(Array.from({ length: WINDOW }, lane));
  const seconds = (performance.now() - started) / 1000;
  const cpuUsed = cpuSeconds() - cpu;
  await pool.shutdown();
  return { threads, calls: CALLS, settled, lost: CALLS - settled, wrong, failed, seconds, callsPerSecond: CALLS / seconds, cpuUsed };
}

if (isMain) {
  const results = [];
  for (const threads of [2, 4]) results.push(await soak(threads));
  table(
    ["threads", "calls", "lost", "wrong", "failed", "seconds", "calls/s", "CPU s"],
    results.map((r) => [`${r.threads}`, r.calls, `${r.lost}`, `${r.wrong}`, `${r.failed}`, r.seconds, r.callsPerSecond, r.cpuUsed]),
  );
  console.log(JSON.stringify({ bench: "soak", window: WINDOW, results }));
  if (results.some((r) => r.lost + r.wrong + r.failed > 0)) Deno.exit(1);
}
