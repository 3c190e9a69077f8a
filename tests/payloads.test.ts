// Every payload type of the foundation issue survives a round trip through
// a worker, and unsupported values reject before dispatch, naming the type.
import { createPool, isMain, task } from "knitting";
import { assert, assertEquals, rejection, run, test } from "./_harness.ts";

export const echo = task({ f: (value: unknown) => value });
export const kind = task({ f: (value: unknown) => Object.prototype.toString.call(value) });

const pool = createPool({ threads: 2 })({ echo, kind });

const unicode = "héllo wörld — 你好, мир 🧶🪡 \u0000 e\u0301 𝄞";

const cases: Array<[string, unknown]> = [
  ["undefined", undefined],
  ["null", null],
  ["true", true],
  ["false", false],
  ["zero", 0],
  ["negative zero", -0],
  ["NaN", NaN],
  ["Infinity", Infinity],
  ["-Infinity", -Infinity],
  ["max safe integer", Number.MAX_SAFE_INTEGER],
  ["tiny float", 5e-324],
  ["small bigint", 42n],
  ["negative bigint", -(2n ** 63n)],
  ["huge bigint", 2n ** 200n + 7n],
  ["empty string", ""],
  ["ascii string", "hello"],
  ["unicode string", unicode],
  ["long unicode string", unicode.repeat(500)],
  ["inline-boundary string", "x".repeat(116)],
  ["just past inline string", "x".repeat(117)],
  ["short string with a lone surrogate", "a\ud800b"],
  ["long string with lone surrogates", "\udc00x".repeat(5000) + "\ud83e"],
  ["plain object", { a: 1, b: "two", c: [true, null], d: { e: { f: 1.5 } } }],
  ["array", [1, "two", { three: 3 }, [4]]],
  ["object with undefined and NaN inside", { u: undefined, n: NaN, z: -0 }],
  ["large object", { rows: Array.from({ length: 2000 }, (_, i) => ({ i, name: `row ${i}` })) }],
  ["empty Uint8Array", new Uint8Array()],
  ["small Uint8Array", new Uint8Array([0, 1, 2, 254, 255])],
  ["large Uint8Array", Uint8Array.from({ length: 100_000 }, (_, i) => (i * 7) & 255)],
  ["ArrayBuffer", new Uint8Array([9, 8, 7]).buffer],
  ["large ArrayBuffer", new Uint8Array(70_000).fill(3).buffer],
];

for (const [name, value] of cases) {
  test(`round trip: ${name}`, async () => {
    const back = await pool.call.echo(value);
    assertEquals(back, value);
    assertEquals(Object.prototype.toString.call(back), Object.prototype.toString.call(value), "type");
  });
}

test("a null-prototype object arrives as a plain object with the same entries", async () => {
  assertEquals(await pool.call.echo(Object.assign(Object.create(null), { x: 1 })), { x: 1 });
});

test("a Uint8Array view of a larger buffer sends only its bytes", async () => {
  const whole = new Uint8Array([1, 2, 3, 4, 5, 6]);
  assertEquals(await pool.call.echo(whole.subarray(2, 4)), new Uint8Array([3, 4]));
});

test("the worker receives the real type, not a look-alike", async () => {
  assertEquals(await pool.call.kind(new Uint8Array(3)), "[object Uint8Array]");
  assertEquals(await pool.call.kind(new ArrayBuffer(3)), "[object ArrayBuffer]");
  assertEquals(await pool.call.kind(5n), "[object BigInt]");
});

test("a function argument rejects with a TypeError naming it", async () => {
  const error = await rejection(pool.call.echo(function callback() {}));
  assert(error instanceof TypeError, `expected TypeError, got ${error}`);
  assert(/function \(callback\)/.test(error.message), error.message);
});

test("a nested function is named with its path", async () => {
  const error = await rejection(pool.call.echo({ user: { name: "a", callback: () => 1 } }));
  assert(error instanceof TypeError);
  assert(error.message.startsWith("arg.user.callback is a function"), error.message);
});

test("a symbol, a class instance and a WeakMap reject naming their type", async () => {
  class Point {
    x = 1;
  }
  for (const [value, pattern] of [
    [Symbol("s"), /symbol/],
    [new Point(), /instance of Point/],
    [[1, new WeakMap()], /arg\[1\] is an instance of WeakMap/],
  ] as const) {
    const error = await rejection(pool.call.echo(value));
    assert(error instanceof TypeError, String(error));
    assert(pattern.test(error.message), error.message);
  }
});

test("a value the task returns that cannot be sent rejects that call", async () => {
  const pool2 = createPool({ threads: 1 })({ returnsFunction });
  try {
    const error = await rejection(pool2.call.returnsFunction(1));
    assert(error instanceof TypeError, String(error));
    assert(/result is a function/.test(error.message), error.message);
  } finally {
    await pool2.shutdown();
  }
});

export function returnsFunction() {
  return () => 1;
}

if (isMain) {
  await run();
  await pool.shutdown();
}
