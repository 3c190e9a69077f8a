// Policies from the command line: `knit run --policy file.json`, `knit
// policy explain`, the host's flags as the upper bound, and `console`.
import { assert, assertEquals, knit as knitChild, run, test } from "./_harness.ts";

const fixture = (name: string) => new URL(`./fixtures/${name}`, import.meta.url).pathname;
const knit = (args: string[], env: Record<string, string> = {}) => knitChild(args, { env });

test("--policy sets the policy of pools that name none", async () => {
  const env = { KNIT_POLICY_TEST: "from the file's allow list" };
  const withFile = await knit(["run", "-A", "--policy", fixture("policy_env.json"), fixture("policy_probe.ts"), "-", "env", "read-system"], env);
  assertEquals(withFile.code, 0, withFile.stderr);
  assertEquals(withFile.stdout, "env: from the file's allow list\nread-system: NotCapable\n");
  const without = await knit(["run", "-A", fixture("policy_probe.ts"), "-", "env"], env);
  assertEquals(without.stdout, "env: NotCapable\n");
});

test("a malformed policy file fails before anything runs: exit 2, naming file, field and expectation", async () => {
  const { code, stdout, stderr } = await knit(["run", "-A", "--policy", fixture("policy_bad.json"), fixture("policy_probe.ts"), "-", "env"]);
  assertEquals(code, 2);
  assertEquals(stdout, "");
  assert(stderr.includes("policy_bad.json: read[1]: invalid type: integer `5`, expected a string"), stderr);
  const missing = await knit(["run", "--policy", "/nonexistent/policy.json", fixture("policy_probe.ts")]);
  assertEquals(missing.code, 2);
  assert(missing.stderr.includes("/nonexistent/policy.json"), missing.stderr);
});

test("workers never exceed knit's own flags, and knit says so once", async () => {
  const { code, stdout, stderr } = await knit([
    "run",
    "--allow-read=.",
    fixture("policy_probe.ts"),
    '"unsafe"',
    "read-system",
    "env",
  ]);
  assertEquals(code, 0, stderr);
  assertEquals(stdout, "read-system: NotCapable\nenv: NotCapable\n");
  const notes = stderr.split("\n").filter((line) => line.includes("asks for more than knit was given"));
  assertEquals(notes.length, 1, stderr);
  assert(/\(read, write, ffi, net, env, run, sys\)/.test(notes[0]), notes[0]);
});

test("console: false (the strict default) silences task output; console: true shows it", async () => {
  const quiet = await knit(["run", "-A", fixture("policy_probe.ts"), "-", "say"]);
  assertEquals(quiet.stdout, "say: said\n");
  const loud = await knit(["run", "-A", fixture("policy_probe.ts"), '{"console": true}', "say"]);
  assertEquals(loud.stdout, "from-task\nsay: said\n");
});

test("knit policy explain prints the resolved allow and deny lists (strict by default)", async () => {
  const strict = await knit(["policy", "explain"]);
  assertEquals(strict.code, 0, strict.stderr);
  const cwd = Deno.cwd();
  assert(strict.stdout.startsWith("policy: strict (the default)\n"), strict.stdout);
  assert(strict.stdout.includes(`read    allow  ${cwd}\n`), strict.stdout);
  assert(/^        deny   /m.test(strict.stdout) && /^ {15}\/etc$/m.test(strict.stdout), strict.stdout);
  assert(strict.stdout.includes("net     allow  nothing"), strict.stdout);
  assert(strict.stdout.includes("console silenced"), strict.stdout);
  const file = await knit(["policy", "explain", fixture("policy_env.json")]);
  assert(file.stdout.includes("env     allow  KNIT_POLICY_TEST"), file.stdout);
  assert(file.stdout.includes("console shown"), file.stdout);
  const bad = await knit(["policy", "explain", fixture("policy_bad.json")]);
  assertEquals(bad.code, 2);
});

test("knit policy explain into a pipe that closes early exits 0 without a panic", async () => {
  // `true` reads nothing and exits at once, so knit writes into a closed pipe.
  for (let i = 0; i < 3; i++) {
    const output = await new Deno.Command("bash", {
      args: ["-c", 'set -o pipefail; "$0" policy explain | true', Deno.execPath()],
      stdout: "piped",
      stderr: "piped",
    }).output();
    const stderr = new TextDecoder().decode(output.stderr);
    assertEquals(output.code, 0, stderr);
    assert(!stderr.includes("panicked"), stderr);
  }
});

await run();
