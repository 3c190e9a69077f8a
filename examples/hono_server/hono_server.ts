// The original Knitting's headline example: a Hono server on
// @hono/node-server whose heavy routes (/ssr: React rendering, /jwt: token
// signing) run in a pool while the main thread keeps answering /ping.
//
//   cd examples && npm ci
//   knit run -A hono_server/hono_server.ts [--port 3000] [--threads 2]   heavy routes in a pool
//   knit run -A hono_server/hono_server.ts --host-only                   everything on the main thread
//   knit run -A hono_server/hono_server.ts --self-test                   a few requests, then exit
//   add --deno-serve to serve with Deno.serve instead of @hono/node-server
import { createPool, isMain, task } from "@vixeny/knitting";
import { serve } from "@hono/node-server";
import { app, renderProfile, signToken } from "./routes.ts";
import { numberFlag, sha256 } from "../shared.ts";

export const ssr = task({ f: renderProfile });
export const jwt = task({ f: signToken });

// Task code may read the two variables it needs (React reads NODE_ENV), and nothing else.
const pool = createPool({
  threads: numberFlag("threads", 2),
  permission: { mode: "strict", env: { allow: ["JWT_SECRET", "NODE_ENV"] } },
})({ ssr, jwt });

async function selfTest(port: number) {
  const url = `http://127.0.0.1:${port}`;
  const post = (path: string, body: unknown) =>
    fetch(url + path, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  const ping = await (await fetch(`${url}/ping`)).json();
  console.log(`/ping: ${JSON.stringify(ping)}`);
  const profile = { name: "Ada", email: "ada@example.com", bio: "Threads & <html>", skills: ["rust", "js"] };
  const page = await post("/ssr", profile);
  console.log(`/ssr: ${page.status} ${(await sha256(await page.text())).slice(0, 16)}`);
  const token = await (await post("/jwt", { sub: "ada", iat: 1700000000 })).json();
  console.log(`/jwt: ${token.ok} ${(await sha256(token.token)).slice(0, 16)}`);
  const bad = await post("/validate", { ...profile, email: "nope" });
  console.log(`/validate bad: ${bad.status} ${JSON.stringify(await bad.json())}`);
}

if (isMain) {
  const hostOnly = Deno.args.includes("--host-only");
  const hono = app(hostOnly ? { ssr: renderProfile, jwt: signToken } : { ssr: pool.call.ssr, jwt: pool.call.jwt });
  const port = Deno.args.includes("--self-test") ? 0 : numberFlag("port", 3000);
  const listening = async (info: { port: number }) => {
    console.error(`listening on http://127.0.0.1:${info.port} (${hostOnly ? "main thread only" : "heavy routes in a pool"})`);
    if (Deno.args.includes("--self-test")) {
      await selfTest(info.port);
      await stop();
    }
  };
  const close = Deno.args.includes("--deno-serve")
    ? (() => {
      const server = Deno.serve({ port, hostname: "127.0.0.1", onListen: listening }, hono.fetch);
      return () => server.shutdown();
    })()
    : (() => {
      const server = serve({ fetch: hono.fetch, port, hostname: "127.0.0.1" }, listening);
      return () => {
        server.close();
        (server as { closeAllConnections?: () => void }).closeAllConnections?.();
      };
    })();
  const stop = async () => {
    Deno.removeSignalListener("SIGINT", stop);
    Deno.removeSignalListener("SIGTERM", stop);
    await close();
    await pool.shutdown();
  };
  Deno.addSignalListener("SIGINT", stop);
  Deno.addSignalListener("SIGTERM", stop);
}
