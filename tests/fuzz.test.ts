// Randomized round trips (seeded, so a failure can be replayed): values of
// every kind the codec carries, nested at random, through real lanes; and
// corrupted serialized bytes, which must never crash the process.
import { createPool, isMain, task } from "knitting";
import { assert, assertEquals, equal, knit, run, test } from "./_harness.ts";

export const echo = task({ f: (value: unknown) => value });

function generator(seed: number) {
  let state = seed >>> 0;
  const random = () => ((state = (state * 1103515245 + 12345) >>> 0) / 2 ** 32);
  const int = (n: number) => Math.floor(random() * n);
  const text = () => {
    const alphabet = ["a", "Z", "0", " ", "é", "—", "你", "🧶", "\u0000", "\ud83d", "𝄞"];
    return Array.from({ length: int(40) }, () => alphabet[int(alphabet.length)]).join("");
  };
  const leaf = (): unknown => {
    switch (int(12)) {
      case 0: return int(2 ** 31) - 2 ** 30;
      case 1: return random() * 1e300 * (random() < 0.5 ? -1 : 1);
      case 2: return [NaN, Infinity, -Infinity, -0, Number.MAX_SAFE_INTEGER][int(5)];
      case 3: return text();
      case 4: return "x".repeat(int(200_000));
      case 5: return BigInt(int(1e9)) ** BigInt(1 + int(4)) * (random() < 0.5 ? -1n : 1n);
      case 6: return [true, false, null, undefined][int(4)];
      case 7: return Uint8Array.from({ length: int(1 << int(18)) }, (_, i) => (i * 7) & 255);
      case 8: return new Date(int(2 ** 40));
      case 9: return Float64Array.from({ length: int(64) }, () => random());
      case 10: return new Map([[text(), int(100)], [int(100), text()]]);
      default: return new Set([text(), int(10)]);
    }
  };
  const value = (depth: number): unknown => {
    if (depth > 3 || random() < 0.4) return leaf();
    if (random() < 0.5) return Array.from({ length: int(6) }, () => value(depth + 1));
    const object: Record<string, unknown> = {};
    for (let k = 0; k < int(6); k++) object[text() || "k"] = value(depth + 1);
    return object;
  };
  return () => value(0);
}

test("2,000 random values (every kind the codec carries, nested) come back equal, 64 in flight", async () => {
  const pool = createPool({ threads: 2 })({ echo });
  try {
    for (const seed of [1, 2, 3, 4]) {
      const next = generator(seed);
      const sent = Array.from({ length: 500 }, next);
      const back = await Promise.all(sent.map((v) => pool.call.echo(v)));
      for (let i = 0; i < sent.length; i++) {
        assert(equal(back[i], sent[i]), `seed ${seed}, value ${i} came back different`);
      }
    }
  } finally {
    await pool.shutdown();
  }
});

test("20,000 corrupted serialized values: each is a value or a clean error, the process survives", async () => {
  const { code, stdout, stderr } = await knit(
    ["run", "-A", new URL("./fixtures/corrupt_bytes.ts", import.meta.url).pathname, "7", "20000"],
    { seconds: 120 },
  );
  assertEquals(code, 0, stderr.slice(-2000));
  const { values, errors } = JSON.parse(stdout.trim().split("\n").at(-1)!);
  assertEquals(values + errors, 20_000);
  assert(errors > 0, "corruption was detected at least sometimes");
});

if (isMain) await run();
