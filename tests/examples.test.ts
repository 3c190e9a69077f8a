// Every example in examples/ runs and prints what it should. The npm
// packages are installed by `npm ci` from examples/package-lock.json (the
// registry is reachable in CI); the examples run with small inputs.
import { isMain } from "knitting";
import { assert, assertEquals, knit, run, test } from "./_harness.ts";

const examples = new URL("../examples/", import.meta.url).pathname;

async function npmCi() {
  const stamp = `${examples}node_modules/.package-lock.json`;
  const lock = await Deno.readTextFile(`${examples}package-lock.json`);
  const installed = await Deno.readTextFile(stamp).catch(() => "");
  if (installed && JSON.parse(installed).packages && sameVersions(lock, installed)) return;
  const output = await new Deno.Command("npm", {
    args: ["ci", "--no-audit", "--no-fund"],
    cwd: examples,
    stdout: "piped",
    stderr: "piped",
  }).output();
  assertEquals(output.code, 0, `npm ci in examples/: ${new TextDecoder().decode(output.stderr)}`);
}

/** Whether node_modules holds the versions the lock file names. */
function sameVersions(lock: string, installed: string): boolean {
  const want = JSON.parse(lock).packages;
  const have = JSON.parse(installed).packages;
  return Object.keys(want).filter((k) => k).every((k) => have[k]?.version === want[k].version);
}

let installed: Promise<void> | undefined;

async function example(path: string, ...args: string[]) {
  await (installed ??= npmCi());
  const { code, stdout, stderr } = await knit(["run", "-A", `${examples}${path}`, ...args], { cwd: examples });
  assertEquals(code, 0, `${path} exited ${code}: ${stderr}`);
  return stdout.trim().split("\n");
}

test("hello: a task runs in a worker", async () => {
  assertEquals(await example("hello.ts"), ["hello world"]);
});

test("markdown_to_html (marked): the pool renders what the host renders", async () => {
  const lines = await example("markdown_to_html/markdown_to_html.ts", "--docs", "120");
  assertEquals(lines[0], "documents: 120");
  assertEquals(lines[1], "same html: true");
  // The same documents through marked on Node give the same digest.
  assertEquals(lines[2], "html sha256: b955761eaea31d2253b676c21a7db318eee4401efd5bd8a7715f4a6d224b3273");
});

test("schema_validate (zod): counts of valid and invalid payloads", async () => {
  const lines = await example("schema_validate/schema_validate.ts", "--payloads", "2100");
  // Every 7th payload has a bad email, every 7th (offset 5) a bad age, every 21st (offset 6) no role.
  let invalid = 0;
  for (let i = 0; i < 2100; i++) if (i % 7 === 3 || i % 7 === 5 || i % 21 === 6) invalid++;
  assertEquals(lines[0], `valid: ${2100 - invalid}, invalid: ${invalid}`);
  assertEquals(lines[1], "same as host: true");
  assert(lines[2].startsWith("first issues: email: Invalid email"), lines[2]);
});

test("react_ssr (react, react-dom: CommonJS): the pool renders what the host renders", async () => {
  const lines = await example("react_ssr/react_ssr.ts", "--pages", "150");
  assert(/^pages: 150, bytes: \d+$/.test(lines[0]), lines[0]);
  assertEquals(lines[1], "same html: true");
  assertEquals(lines[2], "html sha256: 2f6cf639f9936afb3c52b1812427b114ad747b2cffb246fa90272046fa6b425c");
});

test("jwt_revalidation (WebCrypto HMAC): accepted, renewed and rejected tokens", async () => {
  const lines = await example("jwt_revalidation/jwt_revalidation.ts", "--tokens", "720");
  const counts = { accepted: 0, renewed: 0, rejected: 0 };
  for (let i = 0; i < 720; i++) {
    if (i % 9 === 2) counts.rejected++;
    else if (i % 4 === 0) counts.renewed++;
    else if (i % 6 === 1) counts.rejected++;
    else counts.accepted++;
  }
  assert(lines[0].startsWith(`accepted: ${counts.accepted}, renewed: ${counts.renewed}, rejected: ${counts.rejected}, answer bytes: `), lines[0]);
  assertEquals(lines[1], "same as host: true");
});

test("salt_hashing (PBKDF2): the pool derives what the host derives", async () => {
  const lines = await example("salt_hashing/salt_hashing.ts", "--requests", "16", "--iterations", "2000");
  assertEquals(lines[0], "hashed: 16 x 2000 iterations");
  assertEquals(lines[1], "same as host: true");
  // Node's pbkdf2Sync over the same passwords and salts gives the same digest.
  assertEquals(lines[2], "keys sha256: d72ca17cf72cca6a2fcf10b1695b9ca6beaeba42e943b47577cfb93fa81c3498");
});

test("prompt_token_budget (tiktoken: WebAssembly): token counts", async () => {
  const lines = await example("prompt_token_budget/prompt_token_budget.ts", "--requests", "60");
  assertEquals(lines[0], "requests: 60, raw tokens: 94155, kept tokens: 48726, trimmed: 40");
  assertEquals(lines[1], "same as host: true");
});

test("big_prime (BigInt Miller-Rabin): the first prime above 2^127", async () => {
  const lines = await example("big_prime/big_prime.ts", "--bits", "128", "--window", "200");
  // The smallest prime above 2^127 is 2^127 + 29 (checked with sympy.nextprime).
  assertEquals(lines[1], "offset from 2^127: 29");
});

test("monte_carlo_pi: a seeded estimate of pi", async () => {
  const lines = await example("monte_carlo_pi/monte_carlo_pi.ts", "--samples", "500000");
  const match = /^samples: 500000, hits: (\d+), pi ≈ (3\.\d{4})$/.exec(lines[0]);
  assert(match, lines[0]);
  assert(Math.abs(Number(match[2]) - Math.PI) < 0.01, lines[0]);
  // The same generator and points in Python count 392811 hits.
  assertEquals(lines[0], "samples: 500000, hits: 392811, pi ≈ 3.1425");
});

test("physics_loop: random walks escaping a disc", async () => {
  const lines = await example("physics_loop/physics_loop.ts", "--runs", "500");
  assertEquals(lines[0], "runs: 500, escape probability: 0.7300, mean steps: 1346.4");
});

test("hono_server (@hono/node-server, hono/jwt, zod, react-dom): every route through the pool", async () => {
  const lines = await example("hono_server/hono_server.ts", "--self-test");
  assertEquals(lines[0], '/ping: {"pong":true}');
  assertEquals(lines[1], "/ssr: 200 ecf45d0d8976a02c");
  assertEquals(lines[2], "/jwt: true 970d9d1c188b6923");
  assertEquals(lines[3], '/validate bad: 400 {"ok":false,"issues":1}');
});

test("hono_server on Deno.serve: the same answers", async () => {
  const lines = await example("hono_server/hono_server.ts", "--self-test", "--deno-serve");
  assertEquals(lines, ['/ping: {"pong":true}', "/ssr: 200 ecf45d0d8976a02c", "/jwt: true 970d9d1c188b6923", '/validate bad: 400 {"ok":false,"issues":1}']);
});

if (isMain) await run();
