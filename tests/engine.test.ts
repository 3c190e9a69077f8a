// Engine-layer faults that once took the process down, each run in a child
// `knit` with a time limit so a crash fails its test and not the suite.
import { isMain } from "knitting";
import { assertEquals, knit, run, test } from "./_harness.ts";

const fixtures = new URL("./fixtures/", import.meta.url);

test("100,000 CryptoKeys in one runtime, and crypto still works (was an abort after ~20,500)", async () => {
  const result = await knit(["run", "-A", new URL("many_keys.ts", fixtures).pathname, "100000"], { seconds: 240 });
  assertEquals(result.code, 0, result.stderr);
  assertEquals(JSON.parse(result.stdout), { keys: 100000, verified: true, algorithm: "HMAC", exported: 64, url: "https://x.y/a" });
});

if (isMain) await run();
