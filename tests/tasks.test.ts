// Ways to define tasks: task(), importTask() (lazy,
// href relative to the calling module), bare exported functions, and the
// single-task shorthand.
import { createPool, importTask, isMain, setModuleUrl, task } from "knitting";
import { assert, assertEquals, rejection, run, test } from "./_harness.ts";

export const shout = importTask({ href: "./fixtures/library.ts" });
export const twice = importTask({ href: "./fixtures/library.ts", name: "twice", timeout: 5000 });
export const missing = importTask({ href: "./fixtures/library.ts", name: "nope" });
export const notFn = importTask({ href: "./fixtures/library.ts", name: "notAFunction" });
export const square = task({ f: (n: number) => n * n });
export function cube(n: number) {
  return n * n * n;
}

const pool = createPool({ threads: 2 })({ shout, twice, missing, notFn, square, cube });

test("importTask loads the default export lazily in the worker, href relative to this module", async () => {
  assertEquals(await pool.call.shout("hi"), "HI");
});

test("importTask picks a named export", async () => {
  assertEquals(await pool.call.twice(21), 42);
});

test("importTask: a missing export rejects naming it and listing what exists", async () => {
  const error = await rejection(pool.call.missing(1));
  assert(error instanceof TypeError, String(error));
  assert(/expected export "nope" from ".*fixtures\/library.ts" to be a function/.test(error.message), error.message);
  assert(/Available exports: .*twice/.test(error.message), error.message);
});

test("importTask: an export that is not a function rejects the same way", async () => {
  const error = await rejection(pool.call.notFn(1));
  assert(/export "notAFunction"/.test(error.message), error.message);
});

test("importTask marks the definition imported, with the resolved URL", () => {
  assertEquals(shout.imported, true);
  assert(String(shout.href).endsWith("/tests/fixtures/library.ts"), String(shout.href));
});

test("task() and a bare exported function sit side by side in one pool", async () => {
  assertEquals(await Promise.all([pool.call.square(3), pool.call.cube(3)]), [9, 27]);
});

test("the single-task shorthand: task(...).createPool() gives call(arg)", async () => {
  const single = square.createPool({ threads: 1 });
  try {
    assertEquals(await single.call(12), 144);
  } finally {
    await single.shutdown();
  }
});

test("extra call arguments are ignored; no argument means undefined", async () => {
  const f = pool.call.square as unknown as (...args: unknown[]) => Promise<number>;
  assertEquals(await f(4, 5, 6), 16);
  assertEquals(await f(), NaN);
});

test("setModuleUrl names the module of the tasks defined after it (for bundles without stack URLs)", () => {
  const url = new URL("./bundle-entry.js", import.meta.url).href;
  setModuleUrl(url);
  try {
    const named = task({ f: () => 1 });
    assertEquals(named.importedFrom, url);
  } finally {
    setModuleUrl(null);
  }
  assertEquals(task({ f: () => 2 }).importedFrom, import.meta.url);
});

test("setModuleUrl takes paths as the original does: relative, absolute, Windows drive and UNC paths become file URLs", () => {
  const cases: Array<[string, string]> = [
    ["./lib/x.ts", new URL("./lib/x.ts", `file://${Deno.cwd()}/`).href],
    ["/srv/app/x.ts", "file:///srv/app/x.ts"],
    ["C:\\app\\tasks.ts", "file:///C:/app/tasks.ts"],
    ["\\\\server\\share\\tasks.ts", "file://server/share/tasks.ts"],
    ["https://example.com/x.js", "https://example.com/x.js"],
  ];
  try {
    for (const [given, url] of cases) {
      setModuleUrl(given);
      assertEquals(task({ f: () => 1 }).importedFrom, url, given);
    }
  } finally {
    setModuleUrl(null);
  }
});

test("more than 65,535 tasks is a RangeError", () => {
  const tasks: Record<string, () => void> = {};
  for (let i = 0; i < 65_536; i++) tasks[`t${i}`] = cube as unknown as () => void;
  let error: unknown;
  try {
    createPool({})(tasks);
  } catch (e) {
    error = e;
  }
  assert(error instanceof RangeError && /Too many tasks/.test(error.message), String(error));
});

if (isMain) {
  await run();
  await pool.shutdown();
}
