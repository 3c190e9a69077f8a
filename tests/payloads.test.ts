// Every payload type of the foundation issue survives a round trip through
// a worker, and unsupported values reject before dispatch, naming the type.
import { createPool, Envelope, isMain, NumericArray, task } from "knitting";
import { assert, assertEquals, rejection, run, test } from "./_harness.ts";

export const echo = task({ f: (value: unknown) => value });
export const kind = task({ f: (value: unknown) => Object.prototype.toString.call(value) });

const pool = createPool({ threads: 2 })({ echo, kind, fill });

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
  ["bigint past the inline area", -(2n ** 1000n) - 3n],
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
  // Small plain values travel as JSON, the rest structured: values at the
  // border, and values JSON alone would change, come back exact.
  ["{ msg, id }", { msg: "hello", id: 7 }],
  ["-0, Infinity and NaN deep in an array", [[0, [-0]], { x: [Infinity, -Infinity, NaN] }]],
  ["undefined in an array", [1, undefined, 3]],
  ["a Date deep in an object", { a: { b: [new Date(5)] } }],
  ["an own __proto__ key", JSON.parse('{"__proto__": {"polluted": true}, "x": 1}')],
  ["lone surrogates in keys and values", { "\ud800": "a\udc00", list: ["\ud83e"] }],
  ["256 leaves", Array.from({ length: 256 }, (_, i) => i + 0.5)],
  ["257 leaves", Array.from({ length: 257 }, (_, i) => i + 0.5)],
  ["a 1,024-character string in an object", { s: "é".repeat(1024) }],
  ["a 1,025-character string in an object", { s: "é".repeat(1025) }],
  ["an object nested 40 deep", Array.from({ length: 40 }).reduce((inner: unknown) => ({ inner }), { end: true })],

  ["empty Uint8Array", new Uint8Array()],
  ["small Uint8Array", new Uint8Array([0, 1, 2, 254, 255])],
  ["large Uint8Array", Uint8Array.from({ length: 100_000 }, (_, i) => (i * 7) & 255)],
  ["ArrayBuffer", new Uint8Array([9, 8, 7]).buffer],
  ["large ArrayBuffer", new Uint8Array(70_000).fill(3).buffer],
  ["Date", new Date(Date.UTC(2026, 10, 24, 12, 30))],
  ["invalid Date", new Date(NaN)],
  ["registered symbol", Symbol.for("knitting.test")],
  ["registered symbol with a long key", Symbol.for("knitting.".repeat(40))],
  ["DataView", new DataView(new Uint8Array([1, 2, 3, 4]).buffer, 1, 2)],
  ["large DataView", new DataView(new Uint8Array(5000).fill(4).buffer)],
  ["Int8Array", new Int8Array([-128, 0, 127])],
  ["Uint8ClampedArray", new Uint8ClampedArray([0, 128, 255])],
  ["Int16Array", new Int16Array([-32768, 1, 32767])],
  ["Uint16Array", new Uint16Array([0, 65535])],
  ["Int32Array", new Int32Array([-(2 ** 31), 2 ** 31 - 1])],
  ["Uint32Array", new Uint32Array([0, 2 ** 32 - 1])],
  ["Float32Array", new Float32Array([1.5, -0, Infinity])],
  ["Float64Array", new Float64Array([Math.PI, -0, NaN])],
  ["BigInt64Array", new BigInt64Array([-(2n ** 63n), 2n ** 63n - 1n])],
  ["BigUint64Array", new BigUint64Array([0n, 2n ** 64n - 1n])],
  ["large Float64Array", Float64Array.from({ length: 50_000 }, (_, i) => i / 3)],
  ["Map", new Map<unknown, unknown>([["a", 1], [2, { b: [3] }]])],
  ["Set", new Set([1, "two", 3n])],
  ["object holding a Map, a Set, a Date and typed arrays", {
    m: new Map([["k", new Set([1])]]),
    d: new Date(0),
    f: new Float32Array([0.5]),
  }],
  ["NumericArray", NumericArray.from([1, -0, 2.5, NaN, Infinity])],
  ["large NumericArray", NumericArray.from({ length: 10_000 }, (_, i) => i * 1.5)],
  ["Envelope with a string header", new Envelope("plain header", new Uint8Array([1, 2, 3]).buffer)],
  ["Envelope with a JSON header and a large body", new Envelope({ id: 7, tags: ["a"] }, new Uint8Array(100_000).fill(9).buffer)],
];

for (const [name, value] of cases) {
  test(`round trip: ${name}`, async () => {
    const back = await pool.call.echo(value);
    assertEquals(back, value);
    assertEquals(Object.prototype.toString.call(back), Object.prototype.toString.call(value), "type");
  });
}

test("a cycle comes back as a cycle", async () => {
  const a: Record<string, unknown> = { name: "a", list: [1] };
  a.self = a;
  a.again = a.list;
  const back = await pool.call.echo(a) as typeof a;
  assert(back !== a && back.self === back && back.again === back.list, "the same shape of references");
  assertEquals(back.name, "a");
});

test("an Error value keeps name, message, stack and cause", async () => {
  const value = new RangeError("out of range", { cause: new Error("root") });
  const back = await pool.call.echo(value) as RangeError;
  assert(back instanceof RangeError, String(back));
  assertEquals([back.name, back.message, back.stack], [value.name, value.message, value.stack]);
  assertEquals((back.cause as Error).message, "root");
});

export function fillEnvelope(envelope: Envelope<string, SharedArrayBuffer>) {
  new Uint8Array(envelope.payload).fill(5);
  return envelope.header;
}

test("an Envelope with a SharedArrayBuffer body shares it: the worker's writes show on the host", async () => {
  const shared = new SharedArrayBuffer(16);
  const envelope = new Envelope("shared body", shared);
  const sharing = createPool({ threads: 1 })({ fillEnvelope });
  try {
    assertEquals(await sharing.call.fillEnvelope(envelope), "shared body");
    assertEquals([...new Uint8Array(shared)], new Array(16).fill(5));
  } finally {
    await sharing.shutdown();
  }
});

test("a Proxy is refused with a clear error (also one whose traps throw); only that call fails", async () => {
  const poisonedConstructor = new Proxy({ a: 1 }, {
    get(target, key) {
      if (key === "constructor") throw new Error("poisoned constructor");
      return (target as Record<string | symbol, unknown>)[key];
    },
  });
  const poisonedPrototype = new Proxy({}, {
    getPrototypeOf() {
      throw new Error("poisoned prototype");
    },
  });
  for (const value of [poisonedConstructor, { nested: poisonedConstructor }]) {
    const error = await rejection(pool.call.echo(value));
    assert(error instanceof TypeError && /could not be cloned: it is a Proxy/.test(error.message), String(error));
  }
  const error = await rejection(pool.call.echo(poisonedPrototype));
  assert(/poisoned prototype/.test(String(error?.message)), String(error));
  assertEquals(await pool.call.echo("still serving"), "still serving");
});

test("NumericArray and Envelope come back as their own classes", async () => {
  const numbers = await pool.call.echo(NumericArray.from([1, 2]));
  assert(numbers instanceof NumericArray, "NumericArray");
  const envelope = await pool.call.echo(new Envelope({ h: 1 }, new ArrayBuffer(2))) as Envelope;
  assert(envelope instanceof Envelope, "Envelope");
  assert(envelope.payload instanceof ArrayBuffer, "an ArrayBuffer body");
});

test("a NumericArray holding a non-number names the element", async () => {
  const error = await rejection(pool.call.echo(NumericArray.from([1, "x" as unknown as number])));
  assert(error instanceof TypeError && /arg\[1\] is string/.test(error.message), String(error));
});

test("a SharedArrayBuffer is shared, not copied: the worker's writes show on the host", async () => {
  const shared = new SharedArrayBuffer(8);
  await pool.call.fill(shared);
  assertEquals([...new Uint8Array(shared)], [7, 7, 7, 7, 7, 7, 7, 7]);
});

test("a Promise nested in an object, an unregistered symbol, a WeakMap: TypeErrors naming path and type", async () => {
  for (const [value, pattern] of [
    [{ user: { later: Promise.resolve(1) } }, /^arg\.user\.later is a Promise/],
    [Symbol("private"), /symbol \(Symbol\(private\)\); only registered symbols \(Symbol\.for\(key\)\)/],
    [{ cache: new WeakMap() }, /^arg\.cache is an instance of WeakMap/],
    [[1, { f: Symbol.for("nested") }], /^arg\[1\]\.f is a symbol/],
  ] as const) {
    const error = await rejection(pool.call.echo(value));
    assert(error instanceof TypeError, String(error));
    assert(pattern.test(error.message), error.message);
  }
});

test("payload.maxPayloadBytes: a bigger argument or result is a RangeError naming size and limit", async () => {
  const small = createPool({ threads: 1, payload: { maxPayloadBytes: 4096 } })({ echo, grow });
  try {
    const error = await rejection(small.call.echo(new Uint8Array(5000)));
    assert(error instanceof RangeError, String(error));
    assertEquals(error.message, "payload of 5000 bytes exceeds payload.maxPayloadBytes (4096 bytes)");
    const result = await rejection(small.call.grow(5000));
    assert(result instanceof RangeError && /5000 bytes exceeds/.test(result.message), String(result));
    assertEquals((await small.call.echo(new Uint8Array(4096))).length, 4096);
  } finally {
    await small.shutdown();
  }
});

test("a small payload budget holds calls back instead of failing them", async () => {
  const tight = createPool({ threads: 1, payload: { payloadMaxByteLength: 1 << 20 } })({ echo });
  try {
    const blocks = Array.from({ length: 64 }, (_, i) => new Uint8Array(100_000).fill(i));
    const back = await Promise.all(blocks.map((block) => tight.call.echo(block)));
    back.forEach((block, i) => assertEquals(block, blocks[i]));
  } finally {
    await tight.shutdown();
  }
});

test('payload.mode "fixed": bytes beyond payloadMaxByteLength fail the call instead of waiting', async () => {
  const fixed = createPool({ threads: 1, payload: { mode: "fixed", payloadMaxByteLength: 1 << 20 } })({ echo });
  try {
    const blocks = Array.from({ length: 64 }, (_, i) => new Uint8Array(100_000).fill(i));
    const settled = await Promise.allSettled(blocks.map((block) => fixed.call.echo(block)));
    const failed = settled.filter((s) => s.status === "rejected") as PromiseRejectedResult[];
    assert(failed.length > 0, "some did not fit");
    for (const { reason } of failed) {
      assert(reason instanceof RangeError && /payload buffer capacity exceeded \(payload.mode "fixed"\)/.test(reason.message), String(reason));
    }
    settled.forEach((s, i) => {
      if (s.status === "fulfilled") assertEquals(s.value, blocks[i]);
    });
    assertEquals(await fixed.call.echo(blocks[3]), blocks[3]);
  } finally {
    await fixed.shutdown();
  }
});

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

export function grow(size: number) {
  return new Uint8Array(size);
}

export function fill(shared: SharedArrayBuffer) {
  new Uint8Array(shared).fill(7);
}

export function returnsFunction() {
  return () => 1;
}

if (isMain) {
  await run();
  await pool.shutdown();
}
