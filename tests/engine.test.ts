// Engine-layer faults that once took the process down, each run in a child
// `knit` with a time limit so a crash fails its test and not the suite.
import { isMain } from "knitting";
import { assert, assertEquals, knit, run, test } from "./_harness.ts";

const fixtures = new URL("./fixtures/", import.meta.url);

test("100,000 CryptoKeys in one runtime, and crypto still works (was an abort after ~20,500)", async () => {
  const result = await knit(["run", "-A", new URL("many_keys.ts", fixtures).pathname, "100000"], { seconds: 240 });
  assertEquals(result.code, 0, result.stderr);
  assertEquals(JSON.parse(result.stdout), { keys: 100000, verified: true, algorithm: "HMAC", exported: 64, url: "https://x.y/a" });
});

test("a runtime made and dropped leaves its memory behind no more (was ~3.7 MiB per worker: 60 pools, +220 MiB)", async () => {
  // Every pool makes its own runtime (no spares): its templates and heap
  // must go with it.
  const result = await knit(["run", "-A", new URL("churn.ts", fixtures).pathname, "60"], {
    env: { KNIT_PREWARM: "0" },
    seconds: 240,
  });
  assertEquals(result.code, 0, result.stderr);
  const { pools, grownMiB } = JSON.parse(result.stdout);
  assertEquals(pools, 60);
  // Generous for allocator noise: one worker's runtime is ~10 MiB, and the
  // old leak was ~3.7 MiB per worker.
  assert(grownMiB < 60, `60 pools grew RSS by ${grownMiB} MiB`);
});

if (isMain) await run();
