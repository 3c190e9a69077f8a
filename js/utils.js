// `knitting/utils`: the original's byte, string, JSON and number helpers,
// for moving data through ArrayBuffers (an Envelope body, a stored blob).
// Plain JS, served by knit's loader as `knit:knitting/utils`; every helper
// checks its input and names the problem.

const FORMATS = {
  f64: Float64Array,
  f32: Float32Array,
  i32: Int32Array,
};

function formatOf(options, where) {
  const format = typeof options === "string" ? options : (options?.format ?? "f64");
  const Array = FORMATS[format];
  if (Array === undefined) {
    throw new RangeError(`${where}: format must be "f64", "f32" or "i32", got ${String(format)}`);
  }
  return Array;
}

/** The bytes of an ArrayBuffer, SharedArrayBuffer or view, as a Uint8Array over the same memory. */
export function bufferToBytes(buffer) {
  if (buffer instanceof Uint8Array) return buffer;
  if (ArrayBuffer.isView(buffer)) return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  if (buffer instanceof ArrayBuffer || buffer instanceof SharedArrayBuffer) return new Uint8Array(buffer);
  throw new TypeError(
    `bufferToBytes: expected an ArrayBuffer, SharedArrayBuffer or typed array, got ${describe(buffer)}`,
  );
}

/** An ArrayBuffer holding exactly these bytes (a copy). */
export function bytesToBuffer(bytes) {
  const view = bufferToBytes(bytes);
  return view.slice().buffer;
}

/** UTF-8 bytes to a string (invalid sequences become U+FFFD). */
export function bufferToString(buffer) {
  return new TextDecoder().decode(bufferToBytes(buffer));
}

/** A string as UTF-8 bytes in a new ArrayBuffer. */
export function stringToBuffer(text) {
  if (typeof text !== "string") throw new TypeError(`stringToBuffer: expected a string, got ${describe(text)}`);
  return new TextEncoder().encode(text).buffer;
}

/** UTF-8 JSON bytes to a value; a SyntaxError says where the JSON broke. */
export function bufferToJson(buffer) {
  return JSON.parse(bufferToString(buffer));
}

/** A value as UTF-8 JSON bytes in a new ArrayBuffer. */
export function jsonToBuffer(value) {
  const text = JSON.stringify(value);
  if (text === undefined) throw new TypeError(`jsonToBuffer: ${describe(value)} has no JSON form`);
  return stringToBuffer(text);
}

/** Numbers packed as "f64" (default), "f32" or "i32" in a new ArrayBuffer. */
export function numbersToBuffer(numbers, options) {
  const Array = formatOf(options, "numbersToBuffer");
  if (numbers === null || typeof numbers !== "object" || typeof numbers.length !== "number") {
    throw new TypeError(`numbersToBuffer: expected an array of numbers, got ${describe(numbers)}`);
  }
  const packed = new Array(numbers.length);
  for (let i = 0; i < numbers.length; i++) {
    if (typeof numbers[i] !== "number") {
      throw new TypeError(`numbersToBuffer: element ${i} is ${describe(numbers[i])}, not a number`);
    }
    packed[i] = numbers[i];
  }
  return packed.buffer;
}

/** The numbers packed in a buffer, as an array. */
export function bufferToNumbers(buffer, options) {
  const Array = formatOf(options, "bufferToNumbers");
  const bytes = bufferToBytes(buffer);
  if (bytes.byteLength % Array.BYTES_PER_ELEMENT !== 0) {
    throw new RangeError(
      `bufferToNumbers: ${bytes.byteLength} bytes are not a whole number of ${Array.BYTES_PER_ELEMENT}-byte elements`,
    );
  }
  // A copy, so an unaligned view can be read too.
  return [...new Array(bytes.slice().buffer)];
}

function describe(value) {
  if (value === null) return "null";
  if (typeof value === "object") return value.constructor?.name ?? "an object";
  return typeof value;
}
