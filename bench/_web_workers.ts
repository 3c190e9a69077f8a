// The postMessage baseline: Web Workers from one module, each message
// answered in order, lanes picked like the Knitting pool being compared.
export type Send = (value: unknown) => Promise<unknown>;

export function webWorkers(
  url: URL,
  threads: number,
  pick: "leastBusy" | "roundRobin",
): { send: Send; close: () => void } {
  const workers = Array.from({ length: threads }, () => new Worker(url, { type: "module" }));
  const waiting = workers.map(() => [] as Array<(value: unknown) => void>);
  workers.forEach((worker, i) => {
    worker.onmessage = (event) => waiting[i].shift()!(event.data);
  });
  let next = 0;
  const send: Send = (value) =>
    new Promise((resolve) => {
      let lane = 0;
      if (pick === "roundRobin") {
        lane = next++ % threads;
      } else {
        for (let i = 1; i < threads; i++) if (waiting[i].length < waiting[lane].length) lane = i;
      }
      waiting[lane].push(resolve);
      workers[lane].postMessage(value);
    });
  return { send, close: () => workers.forEach((w) => w.terminate()) };
}
