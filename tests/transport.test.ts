// The transport under load: many more calls in flight than slots, payloads
// from inline size to 1 MiB, every result byte-identical and matched to
// its own call.
import { createPool, isMain, task } from "knitting";
import { assert, assertEquals, run, test } from "./_harness.ts";

export const echo = task({ f: (value: unknown) => value });
export const tagged = task({ f: ({ i, data }: { i: number; data: Uint8Array }) => ({ i, sum: data.reduce((a, b) => a + b, 0) }) });
export const slowEcho = task({
  f: async (value: unknown) => {
    await new Promise((resolve) => setTimeout(resolve, Math.random() * 3));
    return value;
  },
});

const pool = createPool({ threads: 2 })({ echo, tagged, slowEcho });

function bytes(length: number, seed: number) {
  const out = new Uint8Array(length);
  let x = seed * 2654435761 >>> 0;
  for (let i = 0; i < length; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

function text(length: number, seed: number) {
  const alphabet = [..."abcdefghijklmnopqrstuvwxyzé你🧶"]; // code points, so no lone surrogates
  let out = `#${seed}:`;
  while (out.length < length) out += alphabet[(out.length * 31 + seed) % alphabet.length];
  return out;
}

const sizes = [1024, 4096, 65536, 262144, 1048576];

test("1,000 concurrent echoes of Uint8Arrays and strings (1 KiB to 1 MiB) come back identical", async () => {
  const inputs = Array.from({ length: 1000 }, (_, i) => {
    const size = sizes[i % sizes.length];
    return i % 2 === 0 ? bytes(size, i) : text(size, i);
  });
  const results = await Promise.all(inputs.map((value) => pool.call.echo(value)));
  for (let i = 0; i < inputs.length; i++) {
    if (typeof inputs[i] === "string") {
      assert(results[i] === inputs[i], `string ${i} differs`);
    } else {
      assertEquals(results[i], inputs[i], `bytes ${i}`);
    }
  }
});

test("5,000 small calls in flight resolve each to its own value", async () => {
  const results = await Promise.all(Array.from({ length: 5000 }, (_, i) => pool.call.echo({ i, s: `v${i}` })));
  results.forEach((value, i) => assertEquals(value, { i, s: `v${i}` }));
});

test("async tasks that finish out of order are matched to their calls", async () => {
  const results = await Promise.all(Array.from({ length: 500 }, (_, i) => pool.call.slowEcho(i)));
  assertEquals(results, Array.from({ length: 500 }, (_, i) => i));
});

test("mixed sizes in one burst keep their identity", async () => {
  const calls = Array.from({ length: 300 }, (_, i) => {
    const data = bytes(i % 3 === 0 ? 200_000 : 100 + i, i);
    return { i, data, sum: data.reduce((a, b) => a + b, 0) };
  });
  const results = await Promise.all(calls.map(({ i, data }) => pool.call.tagged({ i, data })));
  calls.forEach(({ i, sum }, index) => assertEquals(results[index], { i, sum }));
});

test("sequential calls keep working across idle periods (park and wake)", async () => {
  for (let round = 0; round < 5; round++) {
    assertEquals(await pool.call.echo(round), round);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
});

if (isMain) {
  await run();
  await pool.shutdown();
}
