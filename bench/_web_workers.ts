// The postMessage baseline: Web Workers from one module, each message
// answered in order, lanes picked like the Knitting pool being compared.
// Resolves once every worker answered a first message (`0`), so their
// start-up never overlaps another measurement.
import type { Send } from "./_stats.ts";

export async function webWorkers(
  url: URL,
  threads: number,
  pick: "leastBusy" | "roundRobin",
): Promise<{ send: Send; close: () => void }> {
  const workers = Array.from({ length: threads }, () => new Worker(url, { type: "module" }));
  const waiting = workers.map(() => [] as Array<(value: unknown) => void>);
  workers.forEach((worker, i) => {
    worker.onmessage = (event) => waiting[i].shift()!(event.data);
  });
  const ask = (lane: number, value: unknown) =>
    new Promise((resolve) => {
      waiting[lane].push(resolve);
      workers[lane].postMessage(value);
    });
  await Promise.all(workers.map((_, lane) => ask(lane, 0)));
  let next = 0;
  const send: Send = (value) => {
    let lane = 0;
    if (pick === "roundRobin") {
      lane = next++ % threads;
    } else {
      for (let i = 1; i < threads; i++) if (waiting[i].length < waiting[lane].length) lane = i;
    }
    return ask(lane, value);
  };
  return { send, close: () => workers.forEach((w) => w.terminate()) };
}
