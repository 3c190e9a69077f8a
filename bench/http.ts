// The original Knitting's headline result, reproduced: the Hono example
// server under `wrk` on 127.0.0.1, three routes loaded in parallel (GET
// /ping, POST /ssr, POST /jwt), with the heavy routes in a Knitting pool, on
// the main thread (--host-only), and on Web Workers + postMessage. Prints
// requests/s and p50/p99/p99.9 per route, the ratios, and a JSON line.
//
//   cd examples && npm ci && cd ..
//   knit run -A bench/http.ts [seconds=60] [connections=50] [threads=2] [server=node|deno]
// server=node serves with @hono/node-server (as the original's example),
// deno with Deno.serve. Needs `wrk` (Debian: apt-get install wrk).
import { table } from "./_stats.ts";

const [seconds = 60, connections = 50, threads = 2] = Deno.args.slice(0, 3).map(Number);
const server = Deno.args[3] === "deno" ? "deno" : "node";
const serveFlag = server === "deno" ? ["--deno-serve"] : [];
const knit = Deno.execPath();
const root = new URL("../", import.meta.url).pathname;

const profile = JSON.stringify({ name: "Ada Lovelace", email: "ada@example.com", bio: "Threads & engines. ".repeat(8), skills: ["rust", "js", "ssr"] });
const routes = [
  { name: "/ping", method: "GET", body: "" },
  { name: "/ssr", method: "POST", body: profile },
  { name: "/jwt", method: "POST", body: JSON.stringify({ sub: "ada", iat: 1700000000 }) },
];
const modes = [
  { name: "pool", args: ["examples/hono_server/hono_server.ts", "--threads", String(threads), ...serveFlag] },
  { name: "main thread", args: ["examples/hono_server/hono_server.ts", "--host-only", ...serveFlag] },
  { name: "Web Workers", args: ["examples/hono_server/web_workers_server.ts", "--threads", String(threads), ...serveFlag] },
];

type Result = { rps: number; p50: number; p99: number; p999: number; errors: number; non2xx: number };

/** A wrk script: the route's request, and a JSON summary at the end. */
function script(route: (typeof routes)[number]): string {
  return [
    `wrk.method = "${route.method}"`,
    route.body ? `wrk.body = ${JSON.stringify(route.body)}` : "",
    `wrk.headers["Content-Type"] = "application/json"`,
    "done = function(s, latency, requests)",
    `  io.write(string.format('\\nRESULT {"requests":%d,"us":%d,"errors":%d,"non2xx":%d,"p50":%d,"p99":%d,"p999":%d}\\n',`,
    "    s.requests, s.duration, s.errors.connect + s.errors.read + s.errors.write + s.errors.timeout, s.errors.status,",
    "    latency:percentile(50), latency:percentile(99), latency:percentile(99.9)))",
    "end",
  ].join("\n");
}

async function freePort(): Promise<number> {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

async function measure(mode: (typeof modes)[number], dir: string): Promise<Record<string, Result>> {
  const port = await freePort();
  const server = new Deno.Command(knit, { args: ["run", "-A", ...mode.args, "--port", String(port)], cwd: root, stdout: "null", stderr: "piped" }).spawn();
  const reader = server.stderr.pipeThrough(new TextDecoderStream()).getReader();
  let seen = "";
  while (!seen.includes("listening")) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`${mode.name} server ended before listening: ${seen}`);
    seen += value;
  }
  const draining = (async () => { while (!(await reader.read()).done); })();
  const runs = routes.map(async (route, i) => {
    const output = await new Deno.Command("wrk", {
      args: ["-t1", `-c${connections}`, `-d${seconds}s`, "--timeout", "10s", "-s", `${dir}/route${i}.lua`, `http://127.0.0.1:${port}${route.name}`],
      stdout: "piped",
      stderr: "piped",
    }).output();
    const text = new TextDecoder().decode(output.stdout);
    const line = text.split("\n").find((l) => l.startsWith("RESULT "));
    if (!line) throw new Error(`wrk on ${route.name}: ${text}${new TextDecoder().decode(output.stderr)}`);
    const r = JSON.parse(line.slice(7));
    return [route.name, { rps: r.requests / (r.us / 1e6), p50: r.p50 / 1000, p99: r.p99 / 1000, p999: r.p999 / 1000, errors: r.errors, non2xx: r.non2xx }] as const;
  });
  const results = Object.fromEntries(await Promise.all(runs));
  server.kill("SIGTERM");
  const killer = setTimeout(() => server.kill("SIGKILL"), 10_000); // a server that does not stop must not hang the bench
  await server.status;
  clearTimeout(killer);
  await draining;
  return results;
}

const dir = await Deno.makeTempDir();
routes.forEach((route, i) => Deno.writeTextFileSync(`${dir}/route${i}.lua`, script(route)));
const all: Record<string, Record<string, Result>> = {};
for (const mode of modes) {
  console.error(`${mode.name}: ${seconds} s of load...`);
  all[mode.name] = await measure(mode, dir);
}
await Deno.remove(dir, { recursive: true });

console.log(`Hono example (${server === "deno" ? "Deno.serve" : "@hono/node-server"}) under wrk: ${routes.length} routes in parallel, ${connections} connections each, ${seconds} s, pool of ${threads}\n`);
table(
  ["route", "mode", "requests/s", "p50 ms", "p99 ms", "p99.9 ms", "errors", "non-2xx"],
  routes.flatMap((route) => modes.map((mode) => {
    const r = all[mode.name][route.name];
    return [route.name, mode.name, r.rps, r.p50, r.p99, r.p999, r.errors, r.non2xx];
  })),
);
console.log("");
table(
  ["route", "pool / main thread", "pool / Web Workers"],
  routes.map((route) => [
    route.name,
    `${(all["pool"][route.name].rps / all["main thread"][route.name].rps).toFixed(2)}x`,
    `${(all["pool"][route.name].rps / all["Web Workers"][route.name].rps).toFixed(2)}x`,
  ]),
);
console.log(JSON.stringify({ bench: "http", server, seconds, connections, threads, results: all }));
