// Escapes from a strict worker, each written as the attack (issue 12): task
// code under the default policy tries to reach memory, files, modules and
// the process it was not given. The attacks run in a child `knit` in a
// project of their own (a crash there fails these tests, not the suite).
import { isMain } from "knitting";
import { assert, assertEquals, knit, run, test } from "./_harness.ts";

const fixtures = new URL("./fixtures/escapes/", import.meta.url);

type Outcomes = Record<string, unknown>;
let outcomes:
  | Promise<{ results: Outcomes; project: string; outside: string; stdout: string; stderr: string; code: number }>
  | undefined;

/** Runs fixtures/escapes/main.ts once, in a fresh project beside an
 *  "outside" directory holding a secret. */
function attacks() {
  outcomes ??= (async () => {
    const root = await Deno.makeTempDir({ prefix: "knit-escapes-" });
    const project = `${root}/project`;
    const outside = `${root}/outside`;
    await Deno.mkdir(`${project}/.secrets`, { recursive: true });
    await Deno.mkdir(outside);
    for (const file of ["main.ts", "tasks.ts"]) {
      await Deno.copyFile(new URL(file, fixtures), `${project}/${file}`);
    }
    await Deno.writeTextFile(`${project}/deno.json`, "{}\n");
    await Deno.writeTextFile(`${project}/package.json`, '{ "name": "victim", "private": true }\n');
    await Deno.writeTextFile(`${project}/.secrets/token.json`, '{ "token": "project secret" }\n');
    await Deno.writeTextFile(`${outside}/secret.json`, '{ "secret": "outside" }\n');
    await Deno.writeTextFile(`${outside}/worker.js`, 'postMessage("outside worker ran");\n');
    await Deno.mkdir(`${project}/holder`);
    await Deno.symlink(outside, `${project}/holder/lnk`);
    const { code, stdout, stderr } = await knit(["run", "-A", "main.ts", outside], {
      cwd: project,
      seconds: 120,
      stdin: "input for the host only",
    });
    const results: Outcomes = {};
    for (const line of stdout.split("\n")) {
      if (line.startsWith("{")) {
        const { attack, outcome } = JSON.parse(line);
        results[attack] = outcome;
      }
    }
    return { results, project, outside, stdout, stderr, code };
  })();
  return outcomes;
}

async function outcome(attack: string): Promise<unknown> {
  const { results, stderr, code } = await attacks();
  assert(attack in results, `no outcome for "${attack}" (exit ${code}): ${stderr.slice(-2000)}`);
  return results[attack];
}

async function assertRefused(attack: string, pattern: RegExp) {
  const got = await outcome(attack);
  assert(typeof got === "string" && got.startsWith("refused: ") && pattern.test(got), `${attack}: ${JSON.stringify(got)}`);
}

test("the attacks' process survives all of them and exits 0", async () => {
  const { code, stderr } = await attacks();
  assertEquals(code, 0, stderr.slice(-2000));
});

test("memory: a SharedArrayBuffer cannot be forged from serialized bytes (its address is never written)", async () => {
  await assertRefused("forge a SharedArrayBuffer", /./);
});

test("memory: task code and the Web Workers it starts have no Deno internals (raw serializer, buffer store ids)", async () => {
  assertEquals(await outcome("reach Deno internals"), "undefined");
  assertEquals(await outcome("reach Deno internals from a Web Worker"), "undefined");
});

test("memory: a transferred payload keeps its own memory; another pool's next argument never shows through", async () => {
  assertEquals(await outcome("keep a transferred payload"), 0);
  assertEquals(await outcome("transfer a payload to a new length"), 10);
});

test("modules: a module a task wrote cannot import what the policy does not give", async () => {
  await assertRefused("import an outside file through an own module", /Requires read access to .*outside\/secret\.json/);
  await assertRefused("import a denied file through an own module", /Requires read access to .*\.secrets\/token\.json/);
  await assertRefused("start a Web Worker from outside", /Requires read access to .*outside\/worker\.js/);
});

test("modules: the runtime's internal modules cannot be imported", async () => {
  for (const attack of ["import ext:core/mod.js", "import the worker loop"]) {
    await assertRefused(attack, /ext: modules are the runtime's own internals/);
  }
});

test("files: a check cannot be raced by renaming a directory (holder/lnk -> outside, renamed away and back)", async () => {
  assertEquals(await outcome("race a rename against a check"), 0);
});

test("files: a worker holds at most resourceLimits.maxOpenFiles (1024 by default) open; closing frees them", async () => {
  const capped = (await outcome("hold more files than maxOpenFiles")) as { opened: number; error: string };
  assertEquals(capped.opened, 50);
  assert(/Too many open files: this worker holds 50, its limit/.test(capped.error), capped.error);
  assertEquals(await outcome("open again after closing"), "reopened");
  const byDefault = (await outcome("hold more files than the default cap")) as { opened: number; error: string };
  assertEquals(byDefault.opened, 1024);
});

test("files: the program's modules and configuration are not writable; the rest of the project is", async () => {
  for (const file of ["main.ts", "tasks.ts", "deno.json", "package.json"]) {
    await assertRefused(`rewrite ${file}`, new RegExp(`NotCapable: Requires write access to .*${file.replace(".", "\\.")}`));
  }
  assertEquals(await outcome("write a new file"), "written");
  const { project } = await attacks();
  assertEquals(await Deno.readTextFile(`${project}/tasks.ts`), await Deno.readTextFile(new URL("tasks.ts", fixtures)));
});

test("process: a task cannot signal, abort or move the process", async () => {
  for (const attack of ["process.kill(process.pid)", "Deno.kill(Deno.pid)", "process.kill(0)"]) {
    await assertRefused(attack, /NotCapable: Signalling knit's own process/);
  }
  for (const attack of ["process.abort()", "abort from node:process"]) {
    await assertRefused(attack, /NotCapable: process\.abort\(\) is not allowed in a worker/);
  }
  for (const attack of ["Deno.chdir", "process.chdir"]) {
    await assertRefused(attack, /Changing the working directory .* is not allowed in a worker/);
  }
  const { project } = await attacks();
  assertEquals(await outcome("host cwd"), await Deno.realPath(project));
});

test("process: Deno.execPath shows where knit lives only to a policy that may read it", async () => {
  assertEquals(await outcome("execPath under strict"), ["knit", "knit"]);
  const [path] = (await outcome("execPath under unsafe")) as string[];
  assertEquals(path, Deno.execPath());
});

test("unstable APIs answer (or are refused by the policy) instead of ending the process", async () => {
  assertEquals(await outcome("a Worker inheriting permissions"), "hello from an inheriting worker");
  await assertRefused("Deno.listen with reusePort", /NotCapable: Requires net access/);
  await assertRefused("Deno.connect over vsock", /NotCapable: Requires net access/);
});

test("stdio: a strict task reads none of the program's input, and console: false also silences its streams", async () => {
  assertEquals(await outcome("read the program's stdin"), "end of input");
  assertEquals(await outcome("host stdin"), "input for the host only");
  assertEquals(await outcome("write around console: false"), "wrote");
  const { stdout, stderr } = await attacks();
  assert(!stdout.includes("LEAKED") && !stderr.includes("LEAKED"), "task output got through");
});

if (isMain) await run();
