// The postMessage baseline for bench/uneven.ts: a Web Worker that runs the
// same synchronous work as the Knitting task and replies with its result.
import { work } from "./uneven_work.ts";

self.onmessage = (event: MessageEvent) => {
  (self as unknown as Worker).postMessage(work(event.data));
};
