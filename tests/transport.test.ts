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

test("a large result is the caller's own buffer: kept, written, transferred, it never changes under later calls", async () => {
  const size = 1 << 20;
  const kept = (await pool.call.echo(bytes(size, 1))) as Uint8Array;
  const written = (await pool.call.echo(bytes(size, 2))) as Uint8Array;
  written.fill(9);
  const source = (await pool.call.echo(bytes(size, 3))) as Uint8Array;
  const moved = new Uint8Array(source.buffer.transfer());
  assertEquals(source.byteLength, 0, "transfer detaches the received buffer");
  const cloned = structuredClone((await pool.call.echo(bytes(size, 4))) as Uint8Array);
  // Recycled payload memory now carries other calls' bytes.
  for (let round = 0; round < 4; round++) {
    await Promise.all(Array.from({ length: 16 }, (_, i) => pool.call.echo(bytes(size, 100 + i))));
  }
  assertEquals(kept, bytes(size, 1), "a kept result");
  assert(written.every((b) => b === 9), "a result the caller wrote to");
  assertEquals(moved, bytes(size, 3), "a transferred result");
  assertEquals(cloned, bytes(size, 4), "a structured clone of a result");
  const sent = bytes(size, 5);
  const back = (await pool.call.echo(sent)) as Uint8Array;
  back[0] ^= 1;
  assertEquals(sent, bytes(size, 5), "the argument is a copy: writing the result leaves it alone");
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
