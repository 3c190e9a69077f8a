// The Hono example's routes with the heavy work on Web Workers and
// postMessage instead of a Knitting pool (the baseline of bench/http.ts).
//
//   knit run -A hono_server/web_workers_server.ts [--port 3000] [--threads 2] [--deno-serve]
import { serve } from "@hono/node-server";
import { app } from "./routes.ts";
import { numberFlag } from "../shared.ts";

const threads = numberFlag("threads", 2);
const workers = Array.from({ length: threads }, () => new Worker(new URL("./route_worker.ts", import.meta.url), { type: "module" }));
const pending = new Map<number, (value: string) => void>();
// Each worker says so once its modules are loaded; serve only then.
await Promise.all(workers.map((worker) => new Promise((ready) => (worker.onmessage = ready))));
for (const worker of workers) worker.onmessage = (event) => {
  const { id, value } = event.data;
  pending.get(id)!(value);
  pending.delete(id);
};
let next = 0;
function ask(kind: "ssr" | "jwt", arg: unknown): Promise<string> {
  const id = next++;
  return new Promise((resolve) => {
    pending.set(id, resolve);
    workers[id % threads].postMessage({ id, kind, arg });
  });
}

const hono = app({ ssr: (profile) => ask("ssr", profile), jwt: (claims) => ask("jwt", claims) });
const port = numberFlag("port", 3000);
const listening = (info: { port: number }) =>
  console.error(`listening on http://127.0.0.1:${info.port} (heavy routes on ${threads} Web Workers)`);
const server = Deno.args.includes("--deno-serve")
  ? Deno.serve({ port, hostname: "127.0.0.1", onListen: listening }, hono.fetch)
  : serve({ fetch: hono.fetch, port, hostname: "127.0.0.1" }, listening);
const close = () => ("shutdown" in server ? server.shutdown() : server.close());
const stop = async () => {
  Deno.removeSignalListener("SIGTERM", stop);
  await close(); // answers what is in flight first
  for (const worker of workers) worker.terminate();
};
Deno.addSignalListener("SIGTERM", stop);
