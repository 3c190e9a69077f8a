// A tiny test runner for `knit run`: register with `test`, then
// `if (isMain) await run()`. Prints one line per test and a closing
// "N passed, N failed"; exits 1 when anything failed.
//
//   knit run -A tests/pool.test.ts [--filter TEXT] [--timeout SECONDS]
//
// --filter runs only the tests whose name contains TEXT; --timeout bounds
// each test (default 240 s): a test that hangs fails, and the next one runs.
type TestFn = () => unknown | Promise<unknown>;
const tests: Array<[string, TestFn]> = [];

export function test(name: string, fn: TestFn) {
  tests.push([name, fn]);
}

function flag(name: string): string | undefined {
  const at = Deno.args.indexOf(name);
  if (at < 0) return undefined;
  const value = Deno.args[at + 1];
  if (value === undefined) throw new Error(`${name} needs a value`);
  return value;
}

class TestTimeout extends Error {
  override name = "TestTimeout";
}

/** `fn()`, or a TestTimeout after `seconds`. */
async function bounded(fn: TestFn, seconds: number) {
  let timer: number | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TestTimeout(`did not finish within ${seconds} s (--timeout)`)), seconds * 1000);
  });
  try {
    await Promise.race([Promise.resolve().then(fn), expired]);
  } finally {
    clearTimeout(timer);
  }
}

export async function run() {
  const filter = flag("--filter");
  const seconds = Number(flag("--timeout") ?? 240);
  if (!(seconds > 0)) throw new Error(`--timeout must be a number of seconds above 0`);
  const chosen = filter === undefined ? tests : tests.filter(([name]) => name.includes(filter));
  if (chosen.length === 0) console.log(`no test name contains ${JSON.stringify(filter)}`);
  let passed = 0;
  let failed = 0;
  for (const [name, fn] of chosen) {
    try {
      await bounded(fn, seconds);
      passed++;
      console.log(`ok - ${name}`);
    } catch (error) {
      failed++;
      console.log(`FAIL - ${name}\n${(error as Error)?.stack ?? error}`);
    }
  }
  console.log(`${passed} passed, ${failed} failed`);
  // A failed test (one that timed out too) may leave work behind that keeps the process up.
  if (failed > 0) Deno.exit(1);
}

export class AssertionError extends Error {
  override name = "AssertionError";
}

function describe(value: unknown): string {
  if (typeof value === "bigint") return `${value}n`;
  if (value instanceof Uint8Array) return `Uint8Array(${value.length})`;
  if (typeof value === "string" && value.length > 80) return JSON.stringify(value.slice(0, 80)) + "…";
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

export function equal(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== "object") return false;
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
  if (a instanceof ArrayBuffer) return equal(new Uint8Array(a), new Uint8Array(b as ArrayBuffer));
  if (ArrayBuffer.isView(a)) {
    const x = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
    const y = new Uint8Array((b as ArrayBufferView).buffer, (b as ArrayBufferView).byteOffset, (b as ArrayBufferView).byteLength);
    if (x.length !== y.length) return false;
    for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
    return true;
  }
  if (a instanceof Date) return Object.is(a.getTime(), (b as Date).getTime());
  if (a instanceof Map || a instanceof Set) return equal([...a], [...(b as Map<unknown, unknown>)]);
  const ka = Object.keys(a as object);
  const kb = Object.keys(b as object);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => equal((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

export function assertEquals(actual: unknown, expected: unknown, message = "") {
  if (!equal(actual, expected)) {
    throw new AssertionError(`${message ? message + ": " : ""}expected ${describe(expected)}, got ${describe(actual)}`);
  }
}

export function assert(condition: unknown, message = "assertion failed"): asserts condition {
  if (!condition) throw new AssertionError(message);
}

/** Resolves with the rejection reason; fails if the promise resolves. */
export async function rejection(promise: Promise<unknown>): Promise<any> {
  try {
    const value = await promise;
    throw new AssertionError(`expected a rejection, got ${describe(value)}`);
  } catch (error) {
    if (error instanceof AssertionError) throw error;
    return error;
  }
}

export type KnitOutput = { code: number; stdout: string; stderr: string };

/** Runs `knit` (this very binary) with `args` in a child process, killed
 *  after `seconds` so a hang or crash fails one test, not the suite. */
export async function knit(
  args: string[],
  { cwd, env, seconds = 120, stdin, cpus }: {
    cwd?: string;
    env?: Record<string, string>;
    seconds?: number;
    stdin?: string;
    /** Pin the process to these CPUs (`taskset -c`), e.g. "0". */
    cpus?: string;
  } = {},
): Promise<KnitOutput> {
  const command = cpus === undefined ? Deno.execPath() : "taskset";
  const child = new Deno.Command(command, {
    args: cpus === undefined ? args : ["-c", cpus, Deno.execPath(), ...args],
    cwd,
    env,
    stdin: stdin === undefined ? "inherit" : "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  if (stdin !== undefined) {
    const writer = child.stdin.getWriter();
    await writer.write(new TextEncoder().encode(stdin));
    await writer.close();
  }
  const timer = setTimeout(() => child.kill("SIGKILL"), seconds * 1000);
  const output = await child.output();
  clearTimeout(timer);
  const decoder = new TextDecoder();
  return { code: output.code, stdout: decoder.decode(output.stdout), stderr: decoder.decode(output.stderr) };
}
