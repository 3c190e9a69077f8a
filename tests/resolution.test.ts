// npm packages, CommonJS, Node built-ins, import maps, JSON, Wasm and JSX,
// resolved as `deno run` resolves them with a local node_modules: the
// fixture project in fixtures/npm (packages committed, no network), run by
// a child `knit` on the main thread and in a strict pool worker.
import { isMain } from "knitting";
import { assert, assertEquals, knit, type KnitOutput, run, test } from "./_harness.ts";

const project = new URL("./fixtures/npm/", import.meta.url);
const knitRun = (args: string[], cwd?: string) => knit(args, { cwd });

const expected = {
  esm: ["esm hello a", "1.0.0", "esm-sub", "esm-pkg", "esm hello b", "esm hello c"],
  cjs: ["cjs", 42, 42, "lib", "index.js", "function", "cjs hello d", "extra"],
  conditions: ["deno", "import", "require"],
  scoped: "@scope/pkg",
  nestedVersion: "9.0.0",
  builtins: [true, "function"],
  wasm: [5, 42],
  imports: ["package.json #imports", "deno.json imports"],
  userCjs: ["legacy.cjs", "fixture-config", "commonjs-dir", "cjs"],
  json: "fixture-config",
  jsx: { type: "div", props: { class: "card", children: { type: "Name", props: { name: "knit" } } } },
  require: ["cjs", "legacy.cjs", "fixture-config"],
};

let probed: Promise<KnitOutput> | undefined;
// One child run serves the main-thread and the worker test. The project is
// readable to the strict worker because it lies inside knit's working directory.
const probe = () => (probed ??= knitRun(["run", "-A", new URL("main.ts", project).pathname]));

test("the main thread loads ESM, CJS, dual, scoped and nested packages, built-ins, import maps, JSON, Wasm and JSX", async () => {
  const result = await probe();
  assertEquals(result.code, 0, result.stderr);
  const { here } = JSON.parse(result.stdout);
  for (const [key, value] of Object.entries(expected)) assertEquals(here[key], value, key);
});

test("a strict pool worker resolves exactly like the main thread", async () => {
  const result = await probe();
  assertEquals(result.code, 0, result.stderr);
  const { there } = JSON.parse(result.stdout);
  for (const [key, value] of Object.entries(expected)) assertEquals(there[key], value, key);
});

test("a Web Worker resolves npm packages, CommonJS and built-ins like its parent", async () => {
  const result = await knitRun(["run", "-A", new URL("web_worker.ts", project).pathname]);
  assertEquals(result.code, 0, result.stderr);
  assertEquals(result.stdout.trim(), '["esm hello worker","cjs",true]');
});

test("node:worker_threads workers (eval and file) answer and end by themselves", async () => {
  const result = await knit(["run", "-A", new URL("worker_threads.mjs", project).pathname], { seconds: 60 });
  assertEquals(result.code, 0, result.stderr);
  assertEquals(JSON.parse(result.stdout), {
    evaluated: { answer: "a/b", code: 0 },
    file: { answer: "esm hello thread 21", code: 0 },
  });
  assert(!result.stderr.includes("pending"), result.stderr);
});

test("config is found from the main module's directory, not the working directory", async () => {
  const result = await knitRun(["run", "-A", "main.ts"], new URL(".", project).pathname);
  assertEquals(result.code, 0, result.stderr);
  // From the directory above the project: config discovery must start at
  // the main module (the project stays readable to the strict worker).
  const elsewhere = await knitRun(["run", "-A", new URL("main.ts", project).pathname], new URL("../", project).pathname);
  assertEquals(elsewhere.code, 0, elsewhere.stderr);
  const { here, there } = JSON.parse(elsewhere.stdout);
  assertEquals(here.imports, expected.imports);
  assertEquals(there.jsx, expected.jsx);
});

test("a missing or unusable package is an error that names it and says what to do", async () => {
  const result = await knitRun(["run", "-A", new URL("errors.ts", project).pathname]);
  assertEquals(result.code, 0, result.stderr);
  const lines = Object.fromEntries(result.stdout.trim().split("\n").map((line) => {
    const at = line.indexOf(": ");
    return [line.slice(0, at), line.slice(at + 2)];
  }));
  assert(/Cannot find package "not-installed".*npm install not-installed/.test(lines["not-installed"]), lines["not-installed"]);
  assert(/"@scope\/not-installed".*npm install @scope\/not-installed/.test(lines["@scope/not-installed/sub"]), lines["@scope/not-installed/sub"]);
  assert(/esm-pkg@\^5\.0\.0.*npm install/.test(lines["npm:esm-pkg@^5.0.0"]), lines["npm:esm-pkg@^5.0.0"]);
  assert(/left-pad.*npm install/.test(lines["npm:left-pad@1"]), lines["npm:left-pad@1"]);
  assert(/jsr:@std\/path.*install the package from npm/i.test(lines["jsr:@std/path"]), lines["jsr:@std/path"]);
  assert(/https:\/\/example\.com\/mod\.ts.*no remote modules/.test(lines["https://example.com/mod.ts"]), lines["https://example.com/mod.ts"]);
  assert(/no-such-builtin/.test(lines["node:no-such-builtin"]), lines["node:no-such-builtin"]);
  assert(/type: "json"/.test(lines["./config.json"]), lines["./config.json"]);
  for (const line of Object.values(lines)) assert(!/deno install/.test(line), `knit users install with npm: ${line}`);
});

test("--import-map replaces the config's imports", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/map.json`, JSON.stringify({ imports: { "greeting": "./greeting.js" } }));
    await Deno.writeTextFile(`${dir}/greeting.js`, 'export default "from the import map";');
    await Deno.writeTextFile(`${dir}/main.js`, 'import g from "greeting"; console.log(g);');
    const result = await knitRun(["run", "--import-map", `${dir}/map.json`, `${dir}/main.js`], dir);
    assertEquals(result.stdout.trim(), "from the import map", result.stderr);
    const missing = await knitRun(["run", "--import-map", `${dir}/nope.json`, `${dir}/main.js`], dir);
    assertEquals(missing.code, 2);
    assert(missing.stderr.includes("nope.json"), missing.stderr);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

test("--config names the deno.json to use", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.mkdir(`${dir}/conf`);
    await Deno.writeTextFile(`${dir}/conf/deno.json`, JSON.stringify({ imports: { "where": "../here.js" } }));
    await Deno.writeTextFile(`${dir}/here.js`, 'export default "from --config";');
    await Deno.writeTextFile(`${dir}/main.js`, 'import w from "where"; console.log(w);');
    const result = await knitRun(["run", "--config", `${dir}/conf/deno.json`, `${dir}/main.js`], dir);
    assertEquals(result.stdout.trim(), "from --config", result.stderr);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

if (isMain) await run();
