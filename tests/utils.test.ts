// knitting/utils: the original's conversion helpers and their error cases,
// on the host and inside a strict worker.
import { createPool, Envelope, isMain, task } from "knitting";
import {
  bufferToBytes,
  bufferToJson,
  bufferToNumbers,
  bufferToString,
  bytesToBuffer,
  jsonToBuffer,
  numbersToBuffer,
  stringToBuffer,
} from "knitting/utils";
import * as byScope from "@vixeny/knitting/utils";
import { assert, assertEquals, run, test } from "./_harness.ts";

function throws(fn: () => unknown, kind: ErrorConstructor, pattern: RegExp) {
  try {
    fn();
  } catch (error) {
    assert(error instanceof kind && pattern.test((error as Error).message), String(error));
    return;
  }
  throw new Error(`expected a ${kind.name} matching ${pattern}`);
}

test("every name the original's utils are imported by is the same module", () => {
  assertEquals(byScope.bufferToJson, bufferToJson);
});

test("strings and JSON round-trip through UTF-8 ArrayBuffers", () => {
  const text = "héllo 🧶 wörld";
  const buffer = stringToBuffer(text);
  assert(buffer instanceof ArrayBuffer, "an ArrayBuffer");
  assertEquals(buffer.byteLength, new TextEncoder().encode(text).length);
  assertEquals(bufferToString(buffer), text);
  assertEquals(bufferToJson(jsonToBuffer({ a: [1, "b", null] })), { a: [1, "b", null] });
});

test("bytes: a view over the same memory one way, an exact copy the other", () => {
  const backing = new ArrayBuffer(8);
  const view = new Uint16Array(backing, 2, 2);
  const bytes = bufferToBytes(view);
  assertEquals([bytes.byteOffset, bytes.byteLength], [2, 4]);
  bytes[0] = 9;
  assertEquals(new Uint8Array(backing)[2], 9);
  const copy = bytesToBuffer(view);
  assertEquals(copy.byteLength, 4);
  assertEquals(new Uint8Array(copy)[0], 9);
  assert(copy !== backing, "a copy");
  assertEquals(bufferToBytes(new SharedArrayBuffer(3)).length, 3);
});

test("numbers pack as f64 (default), f32 and i32, and come back", () => {
  assertEquals(bufferToNumbers(numbersToBuffer([1.5, -2, 1e300])), [1.5, -2, 1e300]);
  assertEquals(numbersToBuffer([1, 2], "f32").byteLength, 8);
  assertEquals(bufferToNumbers(numbersToBuffer([1.5, 3], { format: "f32" }), "f32"), [1.5, 3]);
  assertEquals(bufferToNumbers(numbersToBuffer([7, -8, 2.9], "i32"), { format: "i32" }), [7, -8, 2]);
  // An unaligned view is read too.
  const shifted = new Uint8Array(17);
  shifted.set(new Uint8Array(numbersToBuffer([42, 43])), 1);
  assertEquals(bufferToNumbers(shifted.subarray(1)), [42, 43]);
});

test("bad input is a clear error naming the helper and the problem", () => {
  throws(() => bufferToBytes("text" as never), TypeError, /bufferToBytes: expected an ArrayBuffer.*got string/);
  throws(() => stringToBuffer(5 as never), TypeError, /stringToBuffer: expected a string, got number/);
  throws(() => jsonToBuffer(undefined), TypeError, /jsonToBuffer: undefined has no JSON form/);
  throws(() => bufferToJson(stringToBuffer("{oops")), SyntaxError, /./);
  throws(() => numbersToBuffer([1, "2"] as never), TypeError, /element 1 is string, not a number/);
  throws(() => numbersToBuffer([1], "u8" as never), RangeError, /format must be "f64", "f32" or "i32", got u8/);
  throws(() => bufferToNumbers(new ArrayBuffer(12)), RangeError, /12 bytes are not a whole number of 8-byte elements/);
});

export const summarize = task({
  f: async (envelope: Envelope<string>) => {
    const { bufferToJson } = await import("knitting/utils");
    const body = bufferToJson<{ values: number[] }>(envelope.payload);
    return `${envelope.header}: ${body.values.reduce((a, b) => a + b, 0)}`;
  },
});

test("a strict worker uses them too (an Envelope with a JSON body)", async () => {
  const pool = createPool({ threads: 1 })({ summarize });
  try {
    assertEquals(await pool.call.summarize(new Envelope("sum", jsonToBuffer({ values: [1, 2, 3] }))), "sum: 6");
  } finally {
    await pool.shutdown();
  }
});

if (isMain) await run();
