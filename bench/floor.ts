// The engine's floor under a round trip, measured in the same run as the
// round trip itself, so "round trip / floor" says how much of a call is
// ours and how much is the engine's (QuickJS runs plain JS 15-23x slower
// than V8; native work runs at V8 speed).
// Run: knit run -A bench/floor.ts [loops=200000] [calls=20000]   (release build)
import { createPool, isMain, task } from "knitting";
import { burst, expectSame, sequential, table } from "./_stats.ts";

export const echo = task({ f: (value: unknown) => value });

const LOOPS = Number(Deno.args[0] ?? 200_000);
const CALLS = Number(Deno.args[1] ?? 20_000);

/** µs per iteration of `body`, the median of 5 timed loops. */
function perLoop(body: (i: number) => unknown): number {
  const rounds = [];
  for (let r = 0; r < 5; r++) {
    const start = performance.now();
    for (let i = 0; i < LOOPS; i++) body(i);
    rounds.push(((performance.now() - start) * 1000) / LOOPS);
  }
  return rounds.sort((a, b) => a - b)[2];
}

/** What the loop and the call of `body` cost on their own. */
const LOOP_US = perLoop((i) => i);

/** µs per `body`, less the loop around it. */
function perOp(body: (i: number) => unknown): number {
  return Math.max(0, perLoop(body) - LOOP_US);
}

async function perAsyncOp(body: () => Promise<unknown>): Promise<number> {
  const rounds = [];
  for (let r = 0; r < 5; r++) {
    const start = performance.now();
    for (let i = 0; i < LOOPS / 4; i++) await body();
    rounds.push(((performance.now() - start) * 1000) / (LOOPS / 4));
  }
  return rounds.sort((a, b) => a - b)[2];
}

async function floor() {
  const i32 = new Int32Array(new SharedArrayBuffer(64));
  const out = new Uint8Array(64);
  const encoder = new TextEncoder();
  const text = "hello world!"; // 12 chars
  let sink = 0;
  const f = {
    withResolvers: perOp(() => Promise.withResolvers()),
    promiseAwait: await perAsyncOp(() => new Promise<void>((resolve) => resolve())),
    objectLiteral: perOp((i) => ({ id: i, fn: 0, state: 1, lane: null, sent: false, seq: i })),
    atomicsLoad: perOp((i) => (sink += Atomics.load(i32, i & 15))),
    atomicsStore: perOp((i) => Atomics.store(i32, i & 15, i)),
    opCall: perOp(() => performance.now()),
    encodeInto12: perOp(() => encoder.encodeInto(text, out)),
    charCodes12: perOp(() => {
      for (let k = 0; k < 12; k++) out[k] = text.charCodeAt(k);
    }),
    fromCharCodes12: perOp(() => String.fromCharCode(out[0], out[1], out[2], out[3], out[4], out[5], out[6], out[7], out[8], out[9], out[10], out[11])),
    settle50PerPromise: 0,
  };
  // Resolving 50 promises and awaiting Promise.all, per promise.
  const rounds = [];
  for (let r = 0; r < 5; r++) {
    const start = performance.now();
    for (let i = 0; i < LOOPS / 200; i++) {
      const batch = Array.from({ length: 50 }, () => Promise.withResolvers<number>());
      const all = Promise.all(batch.map((b) => b.promise));
      batch.forEach((b, k) => b.resolve(k));
      await all;
    }
    rounds.push(((performance.now() - start) * 1000) / ((LOOPS / 200) * 50));
  }
  f.settle50PerPromise = rounds.sort((a, b) => a - b)[2];
  if (sink < 0) console.log(sink);
  return f;
}

if (isMain) {
  const f = await floor();
  // What one round trip cannot do without: on the host a promise (made,
  // resolved, awaited) and a call record, a short string encoded and the
  // reply decoded, a few atomics; on the worker the same decode, encode
  // and atomics. About 5 µs of engine time on QuickJS.
  const roundTripFloor = f.promiseAwait + f.objectLiteral + 2 * (f.charCodes12 + f.fromCharCodes12) + 8 * f.atomicsLoad +
    4 * f.atomicsStore;
  // A call in a burst shares the wake-ups: its promise settles in a batch.
  const burstFloor = f.settle50PerPromise + f.objectLiteral + f.charCodes12 + f.fromCharCodes12 + 4 * f.atomicsLoad +
    2 * f.atomicsStore;

  const pool = createPool({ threads: 2 })({ echo });
  const seq = await sequential(pool.call.echo, CALLS, () => "hello", (_, back) => expectSame("hello", back));
  const batch = Array.from({ length: 50 }, (_, i) => `m${i}`);
  const burstUs = 1e6 / await burst(pool.call.echo, 50, Math.max(50, CALLS / 25), batch, batch);
  await pool.shutdown();

  console.log("engine floor (µs per operation, median of 5 loops)");
  table(["operation", "µs"], Object.entries(f).map(([k, v]) => [k, v]));
  console.log("\nKnitting against the floor (2 threads, a 5-char string)");
  table(["figure", "measured µs", "floor µs", "measured / floor"], [
    ["sequential echo p50", seq.p50, roundTripFloor, `${(seq.p50 / roundTripFloor).toFixed(1)}×`],
    ["burst of 50, per call", burstUs, burstFloor, `${(burstUs / burstFloor).toFixed(1)}×`],
  ]);
  console.log(JSON.stringify({
    bench: "floor",
    floorUs: f,
    roundTrip: { p50Us: seq.p50, floorUs: roundTripFloor },
    burst50: { perCallUs: burstUs, callsPerSecond: 1e6 / burstUs, floorUs: burstFloor },
  }));
}
