// The one codec: a JS value <-> one slot (tag, length, a number field and
// inline bytes), used in both directions. Values too big for the inline area
// go to the lane's payload store in Rust and the slot carries the handle.
//
// Small strings travel as UTF-16 code units (lossless, no op call); large
// ones as the structured serializer's bytes. Plain objects and arrays whose
// leaves JSON keeps exactly travel as JSON text (10x faster than the
// structured serializer on QuickJS for a small record); other objects and
// arrays are checked (so an unsupported value is named with its path) and
// then structured-serialized.
//
// `encode` returns false, having published nothing, when the lane's payload
// budget is spent: the caller keeps the value and tries again later.
// `owner` and `lane` name the lane to the payload ops: `owner` is the pool's
// id on the host and the worker loop's token in a worker (ext/src/ops.rs).
import { core } from "ext:core/mod.js";
import { op_knitting_put_bytes, op_knitting_take_bytes } from "ext:core/ops";
import { HEADER_LEN, HEADER_TAG, L } from "ext:deno_knitting/01_lane.js";
import { Envelope, isNumericArray, NumericArray } from "ext:deno_knitting/00_values.js";

export const Tag = {
  UNDEFINED: 0,
  NULL: 1,
  TRUE: 2,
  FALSE: 3,
  NUMBER: 4,
  BIGINT: 5,
  STRING: 6,
  BYTES: 7,
  ARRAY_BUFFER: 8,
  STRUCTURED: 9,
  ERROR: 10,
  SYMBOL: 11,
  NUMERIC_ARRAY: 12,
  ENVELOPE: 13,
  DATA_VIEW: 14,
  JSON: 15,
};
/** Set on the tag when the bytes live in the payload store (handle in the number field). */
const EXTERNAL = 0x100;
/** Set on a text tag when the text travels in the structured serializer's form, not as UTF-16. */
const SERIALIZED = 0x200;

/** True when the slot's payload lives in the payload store (taking it is destructive). */
export function isExternal(view, at) {
  return (view.u32[(at >> 2) + HEADER_TAG] & EXTERNAL) !== 0;
}

const INLINE_CHARS = L.inlineBytes >> 1;

const ObjectPrototype = Object.prototype;
const { getPrototypeOf, keys: objectKeys } = Object;
const { isArray } = Array;
const ArrayPrototype = Array.prototype;
const TypedArray = getPrototypeOf(Uint8Array);

function setHead(view, at, tag, len) {
  const w = at >> 2;
  view.u32[w + HEADER_TAG] = tag;
  view.u32[w + HEADER_LEN] = len;
}

function encodeText(tag, text, view, at, owner, lane) {
  const length = text.length;
  if (length <= INLINE_CHARS) {
    const u16 = view.u16;
    const base = (at + L.slotInline) >> 1;
    for (let i = 0; i < length; i++) u16[base + i] = text.charCodeAt(i);
    setHead(view, at, tag, length << 1);
    return true;
  }
  // Longer text goes in the structured serializer's form: on QuickJS that
  // is ~4x faster than converting to UTF-8 (0.7 against 0.15 GB/s for
  // one-byte strings, bench/bytes.ts), and it keeps lone surrogates.
  return encodeBytes(tag | SERIALIZED, core.serialize(text), view, at, owner, lane);
}

function encodeBytes(tag, bytes, view, at, owner, lane) {
  const length = bytes.byteLength;
  if (length <= L.inlineBytes) {
    view.u8.set(bytes, at + L.slotInline);
    setHead(view, at, tag, length);
    return true;
  }
  const handle = op_knitting_put_bytes(owner, lane, bytes);
  if (handle < 0) return false;
  view.f64[(at + L.slotNumber) >> 3] = handle;
  setHead(view, at, tag | EXTERNAL, length);
  return true;
}

function describe(value) {
  if (typeof value === "function") return value.name ? `a function (${value.name})` : "a function";
  if (typeof value === "symbol") {
    return `a symbol (${String(value)}); only registered symbols (Symbol.for(key)) can be sent, and only as the whole value`;
  }
  if (value instanceof Promise) return "a Promise (await it before the call, or pass it as the whole argument)";
  if (value instanceof DataView) return "a DataView (send it as the whole value, or send its buffer)";
  const name = value?.constructor?.name;
  return name ? `an instance of ${name}` : "an object with an unknown prototype";
}

function unsupported(path, value) {
  return new TypeError(`${path} is ${describe(value)}, which cannot be sent to or from a Knitting worker`);
}

function isPlainObject(value) {
  const proto = getPrototypeOf(value);
  return proto === ObjectPrototype || proto === null;
}

// Types the structured serializer carries faithfully.
function isStructuredLeaf(value) {
  return (
    value instanceof Date ||
    value instanceof ArrayBuffer ||
    value instanceof TypedArray ||
    value instanceof RegExp ||
    value instanceof Error ||
    value instanceof SharedArrayBuffer
  );
}

/** Walk an object graph and throw a TypeError naming the first value we cannot send. */
function check(value, path, seen) {
  switch (typeof value) {
    case "function":
    case "symbol":
      throw unsupported(path, value);
    case "object":
      break;
    default:
      return;
  }
  if (value === null || seen.has(value)) return;
  seen.add(value);
  if (isArray(value)) {
    for (let i = 0; i < value.length; i++) check(value[i], `${path}[${i}]`, seen);
  } else if (isPlainObject(value)) {
    const keys = objectKeys(value);
    for (let i = 0; i < keys.length; i++) check(value[keys[i]], `${path}.${keys[i]}`, seen);
  } else if (value instanceof Map) {
    for (const [k, v] of value) {
      check(k, `${path}<key>`, seen);
      check(v, `${path}.get(${typeof k === "string" ? JSON.stringify(k) : String(k)})`, seen);
    }
  } else if (value instanceof Set) {
    for (const v of value) check(v, `${path}<entry>`, seen);
  } else if (!isStructuredLeaf(value)) {
    throw unsupported(path, value);
  }
}

/**
 * Encode `value` into the slot at byte `at` of `view`. Throws a TypeError
 * (and writes nothing the other side can see) when the value cannot be sent.
 */
export function encode(value, view, at, owner, lane, path = "arg") {
  switch (typeof value) {
    case "undefined":
      setHead(view, at, Tag.UNDEFINED, 0);
      return true;
    case "boolean":
      setHead(view, at, value ? Tag.TRUE : Tag.FALSE, 0);
      return true;
    case "number":
      view.f64[(at + L.slotNumber) >> 3] = value;
      setHead(view, at, Tag.NUMBER, 0);
      return true;
    case "string":
      return encodeText(Tag.STRING, value, view, at, owner, lane);
    case "bigint":
      return encodeText(Tag.BIGINT, value.toString(16), view, at, owner, lane);
    case "symbol": {
      const key = Symbol.keyFor(value);
      if (key === undefined) break;
      return encodeText(Tag.SYMBOL, key, view, at, owner, lane);
    }
    case "object":
      if (value === null) {
        setHead(view, at, Tag.NULL, 0);
        return true;
      }
      if (getPrototypeOf(value) === Uint8Array.prototype) return encodeBytes(Tag.BYTES, value, view, at, owner, lane);
      if (value instanceof ArrayBuffer && !(value instanceof SharedArrayBuffer)) {
        return encodeBytes(Tag.ARRAY_BUFFER, new Uint8Array(value), view, at, owner, lane);
      }
      if (value instanceof Error) {
        return encodeText(Tag.ERROR, JSON.stringify(errorRecord(value)), view, at, owner, lane);
      }
      if (isNumericArray(value)) return encodeNumericArray(value, view, at, owner, lane, path);
      if (value instanceof DataView) {
        return encodeBytes(
          Tag.DATA_VIEW,
          new Uint8Array(value.buffer, value.byteOffset, value.byteLength),
          view,
          at,
          owner,
          lane,
        );
      }
      if (value instanceof Envelope) {
        const { header, payload } = /** @type {any} */ (value);
        check(header, `${path}.header`, new Set());
        return encodeBytes(Tag.ENVELOPE, core.serialize([header, payload]), view, at, owner, lane);
      }
      if (isArray(value) || isPlainObject(value)) {
        if (isSmallExactJson(value)) return encodeText(Tag.JSON, JSON.stringify(value), view, at, owner, lane);
        check(value, path, new Set());
        return encodeBytes(Tag.STRUCTURED, core.serialize(value), view, at, owner, lane);
      }
      if (value instanceof Map || value instanceof Set || isStructuredLeaf(value)) {
        check(value, path, new Set());
        return encodeBytes(Tag.STRUCTURED, core.serialize(value), view, at, owner, lane);
      }
  }
  throw unsupported(path, value);
}

/** Deeper than this, a value goes the structured way (which also keeps cycles). */
const JSON_MAX_DEPTH = 32;
/** More leaves than this, and the structured serializer is faster: its
 *  fixed cost (~20 µs on QuickJS) is spread out, and it writes numbers
 *  4x faster than JSON. */
const JSON_MAX_LEAVES = 256;
let leavesLeft = 0;
/** A longer string inside, and the structured serializer is faster (it
 *  copies text; JSON scans it for characters to escape, twice). */
const JSON_MAX_STRING = 1024;

/**
 * True when JSON carries `value` exactly as the structured serializer
 * would, and it is small: plain objects and dense arrays (no extra keys)
 * down to strings, booleans, null and finite numbers other than -0.
 * Anything else (undefined, NaN, a hole, a Date, a cycle, a Proxy, ...)
 * returns false, and the value takes the structured path, which keeps it
 * or names it in an error.
 */
function isSmallExactJson(value) {
  leavesLeft = JSON_MAX_LEAVES;
  return isExactInJson(value, 0);
}

function isExactInJson(value, depth) {
  // A Proxy goes the structured way, which refuses it by name.
  if (depth > JSON_MAX_DEPTH || core.isProxy(value)) return false;
  let keys = null;
  let length;
  if (isArray(value)) {
    if (getPrototypeOf(value) !== ArrayPrototype) return false;
    length = value.length;
    if (length > leavesLeft || (length > 0 && objectKeys(value).length !== length)) return false;
  } else if (isPlainObject(value)) {
    keys = objectKeys(value);
    length = keys.length;
    if (length > leavesLeft) return false;
  } else {
    return false;
  }
  leavesLeft -= length;
  for (let i = 0; i < length; i++) {
    const item = keys === null ? value[i] : value[keys[i]];
    switch (typeof item) {
      case "string":
        if (item.length > JSON_MAX_STRING) return false;
        continue;
      case "boolean":
        continue;
      case "number":
        if (item !== item || item === Infinity || item === -Infinity || (item === 0 && 1 / item < 0)) return false;
        continue;
      case "object":
        if (item === null || isExactInJson(item, depth + 1)) continue;
        return false;
      default:
        return false;
    }
  }
  return true;
}

function encodeNumericArray(array, view, at, owner, lane, path) {
  const packed = new Float64Array(array.length);
  for (let i = 0; i < array.length; i++) {
    if (typeof array[i] !== "number") {
      throw new TypeError(`${path}[${i}] is ${typeof array[i]}, but a NumericArray holds only numbers`);
    }
    packed[i] = array[i];
  }
  return encodeBytes(Tag.NUMERIC_ARRAY, new Uint8Array(packed.buffer), view, at, owner, lane);
}

function errorRecord(error) {
  const record = { name: String(error.name), message: String(error.message), stack: String(error.stack ?? "") };
  if (error.cause !== undefined) {
    record.cause = error.cause instanceof Error ? errorRecord(error.cause) : { value: safeCause(error.cause) };
  }
  return record;
}

// A non-Error cause rides inside the error's JSON record.
function safeCause(cause) {
  if (typeof cause === "bigint" || typeof cause === "symbol" || typeof cause === "function") return String(cause);
  try {
    return JSON.parse(JSON.stringify(cause));
  } catch {
    return String(cause);
  }
}

/** Encode a rejection reason: Errors keep name, message, stack and cause; other values go as they are. */
export function encodeReason(reason, view, at, owner, lane) {
  try {
    return encode(reason, view, at, owner, lane, "thrown value");
  } catch {
    return encodeText(Tag.STRING, String(reason), view, at, owner, lane);
  }
}

const errorClasses = { Error, TypeError, RangeError, SyntaxError, ReferenceError, EvalError, URIError };

function reviveError(record) {
  // Built-in classes, and Deno's (NotCapable, NotFound, …) where present.
  const denoErrors = globalThis.Deno?.errors;
  const Class = Object.hasOwn(errorClasses, record.name)
    ? errorClasses[record.name]
    : denoErrors && Object.hasOwn(denoErrors, record.name)
      ? denoErrors[record.name]
      : Error;
  const error = new Class(record.message);
  if (error.name !== record.name) {
    Object.defineProperty(error, "name", { value: record.name, writable: true, configurable: true });
  }
  Object.defineProperty(error, "stack", { value: record.stack, writable: true, configurable: true });
  if (record.cause !== undefined) {
    error.cause = "value" in record.cause ? record.cause.value : reviveError(record.cause);
  }
  return error;
}

function decodeText(view, at, tag, len, owner, lane) {
  if (tag & SERIALIZED) return core.deserialize(decodeBytes(view, at, tag, len, owner, lane));
  const base = (at + L.slotInline) >> 1;
  // One call for the whole string (on QuickJS ~40 % faster than appending
  // a character at a time, even for 5 characters).
  return String.fromCharCode.apply(null, view.u16.subarray(base, base + (len >> 1)));
}

function decodeBytes(view, at, tag, len, owner, lane) {
  if (tag & EXTERNAL) return op_knitting_take_bytes(owner, lane, view.f64[(at + L.slotNumber) >> 3]);
  const start = at + L.slotInline;
  return view.u8.slice(start, start + len);
}

/** Decode the slot at byte `at` of `view` into a fresh value (nothing aliases the slot). */
export function decode(view, at, owner, lane) {
  const w = at >> 2;
  const tag = view.u32[w + HEADER_TAG];
  const len = view.u32[w + HEADER_LEN];
  switch (tag & ~(EXTERNAL | SERIALIZED)) {
    case Tag.UNDEFINED:
      return undefined;
    case Tag.NULL:
      return null;
    case Tag.TRUE:
      return true;
    case Tag.FALSE:
      return false;
    case Tag.NUMBER:
      return view.f64[(at + L.slotNumber) >> 3];
    case Tag.STRING:
      return decodeText(view, at, tag, len, owner, lane);
    case Tag.BIGINT: {
      const hex = decodeText(view, at, tag, len, owner, lane);
      return hex[0] === "-" ? -BigInt("0x" + hex.slice(1)) : BigInt("0x" + hex);
    }
    case Tag.BYTES:
      return decodeBytes(view, at, tag, len, owner, lane);
    case Tag.ARRAY_BUFFER: {
      const bytes = decodeBytes(view, at, tag, len, owner, lane);
      return bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength
        ? bytes.buffer
        : bytes.slice().buffer;
    }
    case Tag.STRUCTURED:
      return core.deserialize(decodeBytes(view, at, tag, len, owner, lane));
    case Tag.JSON:
      return JSON.parse(decodeText(view, at, tag, len, owner, lane));
    case Tag.ERROR:
      return reviveError(JSON.parse(decodeText(view, at, tag, len, owner, lane)));
    case Tag.DATA_VIEW: {
      const bytes = decodeBytes(view, at, tag, len, owner, lane);
      return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    }
    case Tag.SYMBOL:
      return Symbol.for(decodeText(view, at, tag, len, owner, lane));
    case Tag.NUMERIC_ARRAY: {
      let bytes = decodeBytes(view, at, tag, len, owner, lane);
      if (bytes.byteOffset % 8 !== 0) bytes = bytes.slice();
      const packed = new Float64Array(bytes.buffer, bytes.byteOffset, bytes.byteLength >> 3);
      const array = new NumericArray(packed.length);
      for (let i = 0; i < packed.length; i++) array[i] = packed[i];
      return array;
    }
    case Tag.ENVELOPE: {
      const [header, payload] = core.deserialize(decodeBytes(view, at, tag, len, owner, lane));
      return new Envelope(header, payload);
    }
  }
  throw new TypeError(`Knitting: corrupt slot (unknown payload tag ${tag})`);
}
