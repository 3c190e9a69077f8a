// Permission policies are enforced inside every worker by deno_permissions
// (the original enforces nothing on Deno threads). This file runs
// under `knit -A`, so the host itself may do everything: every denial below
// comes from the pool's policy.
import { createPool, isMain } from "knitting";
import {
  envGet,
  fetchAny,
  exitProcess,
  fetchText,
  importUrl,
  ping,
  reachOps,
  readDir,
  readText,
  runTrue,
  writeText,
} from "./fixtures/probes.ts";
import { assert, assertEquals, rejection, run, test } from "./_harness.ts";

const probes = { readText, readDir, writeText, envGet, fetchText, fetchAny, runTrue, exitProcess, importUrl, reachOps, ping };
const cwd = Deno.cwd();
const home = Deno.env.get("HOME") ?? "/root";
const scratch = `${cwd}/tests/.permissions-scratch`;
const systemFile = ["/etc/hostname", "/etc/os-release", "/etc/passwd"].find((path) => {
  try {
    return Deno.statSync(path).isFile;
  } catch {
    return false;
  }
})!;

async function denied(call: Promise<unknown>, resource: RegExp) {
  const error = await rejection(call);
  assert(error instanceof Deno.errors.NotCapable, `expected NotCapable, got ${error}`);
  assertEquals(error.name, "NotCapable");
  assert(resource.test(error.message), `the message names the resource: ${error.message}`);
}

let server: Deno.HttpServer | null = null;
let serverUrl = "";
function startServer() {
  return new Promise<void>((ready) => {
    server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: ({ port }) => {
      serverUrl = `http://127.0.0.1:${port}/`;
      ready();
    } }, () => new Response("hello from the host"));
  });
}

Deno.mkdirSync(scratch, { recursive: true });
Deno.writeTextFileSync(`${scratch}/data.txt`, "inside");
try {
  Deno.removeSync(`${scratch}/innocent`);
} catch { /* first run */ }
Deno.symlinkSync(systemFile, `${scratch}/innocent`);

const strict = createPool({ threads: 1 })(probes);

test("strict (the default) denies reading /etc, ~/.ssh, /proc/self/environ and cwd/.env", async () => {
  await denied(strict.call.readText(systemFile), /\/etc\//);
  await denied(strict.call.readDir(`${home}/.ssh`), /\.ssh/);
  await denied(strict.call.readText("/proc/self/environ"), /environ|env/);
  await denied(strict.call.readText(`${cwd}/.env`), /\.env/);
});

test("strict: a symlink inside cwd is judged by its target", async () => {
  await denied(strict.call.readText(`${scratch}/innocent`), /innocent/);
});

test("strict: files in the project are readable", async () => {
  assertEquals(await strict.call.readText(`${scratch}/data.txt`), "inside");
});

test("strict denies env, network, subprocesses and writes to node_modules", async () => {
  await denied(strict.call.envGet("HOME"), /env/);
  await startServer();
  await denied(strict.call.fetchText(serverUrl), /net|127\.0\.0\.1/);
  await denied(strict.call.runTrue(), /run|true/);
  await denied(strict.call.writeText([`${cwd}/node_modules/planted.js`, "x"]), /node_modules/);
});

test("a denial in a worker says which permission entry of the pool opens it, not a knit flag", async () => {
  const env = await rejection(strict.call.envGet("KNITTING_ADVICE_PROBE"));
  assert(env instanceof Deno.errors.NotCapable, String(env));
  assert(env.message.includes('permission: { env: { allow: ["KNITTING_ADVICE_PROBE"] } }'), env.message);
  assert(!env.message.includes("run again"), env.message);
  const read = await rejection(strict.call.readText(systemFile));
  assert(read.message.includes(`permission: { read: ["${systemFile}"] }`), read.message);
});

test("strict denies a dynamic import of an https URL (as Deno does: a TypeError with the NotCapable text)", async () => {
  const error = await rejection(strict.call.importUrl("https://example.com/module.js"));
  assert(error instanceof TypeError, String(error));
  assert(/^Requires import access to "example\.com:443"/.test(error.message), error.message);
});

test("Deno.exit in a task rejects that call; the process and the worker go on", async () => {
  const error = await rejection(strict.call.exitProcess(3));
  assert(error instanceof Error && /KNT_ERROR_PROCESS_GUARD/.test(error.message), String(error));
  assertEquals(await strict.call.ping(), "pong");
});

test("task code cannot use the knitting ops (the lanes), also after lazy modules load", async () => {
  assertEquals(await strict.call.reachOps(), []);
  await strict.call.fetchAny("http://127.0.0.1:9/");
  assertEquals(await strict.call.reachOps(), []);
});

test("after denials the worker keeps serving", async () => {
  assertEquals(await strict.call.ping(), "pong");
});

test('"unsafe" allows what the host allows', async () => {
  const open = createPool({ threads: 1, permission: "unsafe" })(probes);
  try {
    assert((await open.call.readText(systemFile)).length > 0, "read a system file");
    assertEquals(await open.call.envGet("HOME"), home);
    assertEquals(await open.call.fetchText(serverUrl), "hello from the host");
    assertEquals(await open.call.runTrue(), 0);
  } finally {
    await open.shutdown();
  }
});

test("a custom policy opens exactly what it lists", async () => {
  Deno.env.set("KNIT_POLICY_TEST", "listed");
  const custom = createPool({
    threads: 1,
    permission: { mode: "custom", read: [scratch], env: { allow: ["KNIT_POLICY_TEST"] }, net: ["127.0.0.1"] },
  })(probes);
  try {
    assertEquals(await custom.call.readText(`${scratch}/data.txt`), "inside");
    assertEquals(await custom.call.envGet("KNIT_POLICY_TEST"), "listed");
    assertEquals(await custom.call.fetchText(serverUrl), "hello from the host");
    await denied(custom.call.readText(`${cwd}/README.md`), /README/);
    await denied(custom.call.envGet("HOME"), /HOME/);
    await denied(custom.call.runTrue(), /run|true/);
  } finally {
    await custom.shutdown();
  }
});

test("a malformed permission option fails createPool naming the field", () => {
  let error: unknown;
  try {
    createPool({ permission: { read: "everything" } })(probes);
  } catch (e) {
    error = e;
  }
  assert(error instanceof TypeError && /permission policy: read: .*true, false or an array of strings/.test(error.message), String(error));
});

if (isMain) {
  try {
    await run();
  } finally {
    await strict.shutdown();
    await (server as Deno.HttpServer | null)?.shutdown();
    Deno.removeSync(scratch, { recursive: true });
  }
}
