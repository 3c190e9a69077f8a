// Compile-time checks of the API types: what must type-check, and, marked
// with the expect-error directive, what must not.
import {
  type AbortablePromise,
  createPool,
  Envelope,
  importTask,
  isMain,
  NumericArray,
  PoolClosedError,
  task,
} from "knitting";

export const add = task({ f: (pair: [number, number]) => pair[0] + pair[1] });
export const later = task({ f: async (ms: number) => ms, timeout: { time: 10, default: -1 } });
export const abortable = task({
  abortSignal: true,
  f: (n: number, { hasAborted, now }) => (hasAborted() ? now() : n),
});
export const shout = importTask<string, string>({ href: "./library.ts" });
export function plain(text: string) {
  return text.length;
}

const pool = createPool({
  threads: 2,
  balancer: "firstIdle",
  worker: { hardTimeoutMs: 1000 },
  permission: { read: ["./data"], env: { allow: ["LANG"] }, sys: ["hostname"] },
})({
  add,
  later,
  abortable,
  shout,
  plain,
});

if (isMain) {
  const sum: number = await pool.call.add([1, 2]);
  const ms: number = await pool.call.later(Promise.resolve(5));
  const call: AbortablePromise<number> = pool.call.abortable(3);
  call.reject();
  const loud: string = await pool.call.shout("hi");
  const length: number = await pool.call.plain("abc");
  const stats = pool.stats();
  const ran: number = stats.workers[0].runTime.p99 + stats.waitTime.p50 + stats.completed;
  const inlineDone: number | undefined = stats.inline?.completed;
  // @ts-expect-error: the argument type is checked
  pool.call.add("not a pair");
  // @ts-expect-error: only abort-aware calls have .reject
  pool.call.add([1, 2]).reject();
  // @ts-expect-error: no such task
  pool.call.missing();
  // @ts-expect-error: not a mode
  createPool({ permission: "lenient" });
  const single = add.createPool({ threads: 1, permission: "unsafe" });
  const three: number = await single.call([1, 2]);
  const envelope = new Envelope({ id: 1 }, new ArrayBuffer(4));
  const numbers = NumericArray.from([1, 2, 3]);
  await pool.shutdown({ drain: true });
  console.log(sum, ms, loud, length, three, envelope.header.id, numbers.length, PoolClosedError.name);
}

// knitting/utils
import { bufferToJson, bufferToNumbers, jsonToBuffer, numbersToBuffer } from "knitting/utils";
const packed: ArrayBuffer = numbersToBuffer([1, 2, 3], { format: "i32" });
const unpacked: number[] = bufferToNumbers(packed, "i32");
const record = bufferToJson<{ id: number }>(jsonToBuffer({ id: 1 }));
void [unpacked, record.id];
