import { createPool, isMain, task } from "knitting";
export const echo = task({ f: (v: unknown) => v });
if (isMain) {
  const pool = createPool({ threads: 1 })({ echo });
  for (let i = 0; i < 1000; i++) await pool.call.echo("w");
  const t = performance.now();
  const N = Number(Deno.args[0] ?? 100000);
  for (let i = 0; i < N; i++) await pool.call.echo("hello");
  console.log(((performance.now() - t) * 1000 / N).toFixed(2), "us/call");
  await pool.shutdown();
}
