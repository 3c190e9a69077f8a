// Synchronous CPU work of a given length (ms), shared by the Knitting task and
// the Web Worker of bench/uneven.ts so both run the same code. Returns `ms`,
// so the caller can check each result.
export function work(ms: number) {
  const end = performance.now() + ms;
  let spins = 0;
  while (performance.now() < end) spins++;
  return spins >= 0 ? ms : NaN;
}

/** A seeded heavy-tailed list of task costs: most short, a few long. */
export function costs(n: number, seed = 42) {
  let state = seed;
  const random = () => {
    state = (state * 1103515245 + 12345) & 0x7fffffff;
    return state / 0x7fffffff;
  };
  return Array.from({ length: n }, () => (random() < 0.1 ? 20 : 0.5));
}
