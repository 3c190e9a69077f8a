// Shared helpers for the bench programs: percentiles, a table, CPU time,
// checked results, and the two ways of timing an echo (one at a time, in bursts).

/** One echo over some transport: resolves with what came back. */
export type Send = (value: unknown) => Promise<unknown>;
export function percentile(sorted: number[], p: number) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

export function summarize(samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p90: percentile(sorted, 90), p99: percentile(sorted, 99) };
}

export function table(headers: string[], rows: Array<Array<string | number>>) {
  const cells = [headers, ...rows.map((r) => r.map((c) => (typeof c === "number" ? formatNumber(c) : c)))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => String(r[i]).length)));
  const line = (r: Array<string | number>) => "| " + r.map((c, i) => String(c).padEnd(widths[i])).join(" | ") + " |";
  console.log(line(cells[0]));
  console.log("|" + widths.map((w) => "-".repeat(w + 2)).join("|") + "|");
  for (const r of cells.slice(1)) console.log(line(r));
}

function formatNumber(n: number) {
  if (n >= 1000) return Math.round(n).toLocaleString("en-US");
  return n.toFixed(n >= 100 ? 0 : n >= 10 ? 1 : 2);
}

/** This process's CPU seconds (user + system), from /proc (Linux). */
export function cpuSeconds() {
  const stat = Deno.readTextFileSync("/proc/self/stat");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime + stime in clock ticks (USER_HZ = 100)
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Benches check every result: throws when one is not what was expected. */
export function expectSame(expected: unknown, back: unknown) {
  if (back !== expected) throw new Error(`a result came back different: expected ${String(expected)}, got ${String(back)}`);
}

/** Checks a batch of results against what was sent, in order. */
export function expectAll(expected: unknown[], back: unknown[]) {
  if (back.length !== expected.length) throw new Error(`${back.length} results for ${expected.length} calls`);
  for (let i = 0; i < expected.length; i++) expectSame(expected[i], back[i]);
}

/** µs per round trip of `make(i)`, `check`ed, after a warm-up. */
export async function sequential(send: Send, n: number, make: (i: number) => unknown, check: (i: number, back: unknown) => void) {
  for (let i = 0; i < Math.min(1000, n); i++) check(i, await send(make(i)));
  const samples = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const value = make(i);
    const start = performance.now();
    const back = await send(value);
    samples[i] = (performance.now() - start) * 1000;
    check(i, back);
  }
  return summarize(samples);
}

/** Calls per second for `size` calls in flight at once, `rounds` times. */
export async function burst(send: Send, size: number, rounds: number, values: unknown[], expected: unknown[]) {
  for (let i = 0; i < Math.min(50, rounds); i++) await Promise.all(values.map((v) => send(v)));
  const start = performance.now();
  for (let r = 0; r < rounds; r++) expectAll(expected, await Promise.all(values.map((v) => send(v))));
  return (size * rounds) / ((performance.now() - start) / 1000);
}
