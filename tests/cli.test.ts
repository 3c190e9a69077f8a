// The `knit` command itself: exit codes, error output, help and version.
import { isMain } from "knitting";
import { assert, assertEquals, knit, run, test } from "./_harness.ts";

const fixtures = new URL("./fixtures/", import.meta.url);
const knitRun = (...args: string[]) => knit(args);

test("the seed example prints hello world through a worker", async () => {
  const result = await knitRun("run", new URL("../examples/hello.ts", import.meta.url).pathname);
  assertEquals(result.stdout, "hello world\n");
  assertEquals(result.code, 0);
});

test("an uncaught error prints its stack with .ts lines and exits 1", async () => {
  const result = await knitRun("run", new URL("throws.ts", fixtures).pathname);
  assertEquals(result.code, 1);
  assert(result.stderr.includes("kaboom"), result.stderr);
  assert(/throws\.ts:5:\d+/.test(result.stderr), `the stack should point at the throw on line 5 of the .ts file: ${result.stderr}`);
});

test("a missing module is a one-line error with exit 2", async () => {
  const result = await knitRun("run", "/nonexistent/main.ts");
  assertEquals(result.code, 2);
  assertEquals(result.stderr.trim().split("\n").length, 1, result.stderr);
  assert(result.stderr.includes("module not found"), result.stderr);
});

test("an unknown flag exits 2", async () => {
  const result = await knitRun("run", "--allow-everything", "main.ts");
  assertEquals(result.code, 2);
});

test("no permission is granted by default; flags grant them", async () => {
  const denied = await knitRun("run", new URL("reads_env.ts", fixtures).pathname);
  assertEquals(denied.stdout.trim(), "NotCapable");
  const allowed = await knitRun("run", "--allow-env=HOME", new URL("reads_env.ts", fixtures).pathname);
  assertEquals(allowed.stdout.trim(), "granted");
});

test("task modules load their static imports without flags; a dynamic import() is still checked", async () => {
  const result = await knitRun("run", new URL("helper_tasks.ts", fixtures).pathname);
  assertEquals(result.stdout.trim(), "HI! denied", result.stderr);
  assertEquals(result.code, 0);
});

test("script arguments reach Deno.args", async () => {
  const result = await knitRun("run", new URL("args.ts", fixtures).pathname, "one", "--two");
  assertEquals(result.stdout.trim(), '["one","--two"]');
});

test("--help and --version work", async () => {
  const help = await knitRun("--help");
  assertEquals(help.code, 0);
  assert(help.stdout.includes("run"), help.stdout);
  const version = await knitRun("--version");
  assertEquals(version.code, 0);
  assert(/^knit \d+\.\d+\.\d+/.test(version.stdout), version.stdout);
});

test("a truncated snapshot in the cache is made again, not loaded (it aborted every run)", async () => {
  const cache = await Deno.makeTempDir();
  try {
    const hello = new URL("../examples/hello.ts", import.meta.url).pathname;
    const first = await knit(["run", hello], { env: { KNIT_CACHE: cache }, seconds: 120 });
    assertEquals(first.stdout, "hello world\n", first.stderr);
    const dir = [...Deno.readDirSync(cache)].find((entry) => entry.name.startsWith("snapshot-"))!.name;
    const blob = `${cache}/${dir}/runtime.snap`;
    const size = Deno.statSync(blob).size;
    Deno.truncateSync(blob, Math.floor(size / 2));
    const second = await knit(["run", hello], { env: { KNIT_CACHE: cache }, seconds: 120 });
    assertEquals(second.code, 0, second.stderr);
    assertEquals(second.stdout, "hello world\n");
    assertEquals(Deno.statSync(blob).size, size, "the snapshot was made again");
  } finally {
    await Deno.remove(cache, { recursive: true });
  }
});

if (isMain) await run();
