// `knitting/utils`: byte, string, JSON and number helpers.
export type BufferLike = ArrayBuffer | SharedArrayBuffer | ArrayBufferView;
export type NumberFormat = "f64" | "f32" | "i32";
export interface NumberBufferOptions {
  /** How each number is packed (default "f64"). */
  format?: NumberFormat;
}
/** The bytes of a buffer or view, over the same memory. */
export function bufferToBytes(buffer: BufferLike): Uint8Array;
/** An ArrayBuffer holding exactly these bytes (a copy). */
export function bytesToBuffer(bytes: BufferLike): ArrayBuffer;
export function bufferToString(buffer: BufferLike): string;
export function stringToBuffer(text: string): ArrayBuffer;
export function bufferToJson<T = unknown>(buffer: BufferLike): T;
export function jsonToBuffer(value: unknown): ArrayBuffer;
export function numbersToBuffer(numbers: ArrayLike<number>, options?: NumberBufferOptions | NumberFormat): ArrayBuffer;
export function bufferToNumbers(buffer: BufferLike, options?: NumberBufferOptions | NumberFormat): number[];
