// Prompt token budgeting with tiktoken (WebAssembly) in a pool of 2 workers
// and on the host; prints the raw and kept token counts (deterministic:
// the prompts are generated).
//
//   cd examples && npm ci && knit run prompt_token_budget/prompt_token_budget.ts [--requests 300] [--maxInputTokens 900]
import { createPool, isMain, task } from "@vixeny/knitting";
import { budget } from "./budget.ts";
import { numberFlag, random } from "../shared.ts";

export const count = task({ f: budget });

const pool = createPool({ threads: 2 })({ count });

const phrases = [
  "Summarise the following support ticket in two sentences.",
  "The customer reports that the dashboard times out after 30 seconds",
  "when exporting more than 10,000 rows to CSV; retries do not help.",
  "Der Kunde möchte wissen, ob es eine API für Massenexporte gibt.",
  "スレッドプールでトークン数を数える例です。",
  "```ts\nconst pool = createPool({ threads: 2 })({ count });\n```",
];

if (isMain) {
  const next = random(17);
  const maxTokens = numberFlag("maxInputTokens", 900);
  const requests = Array.from({ length: numberFlag("requests", 300) }, () => ({
    prompt: Array.from({ length: 20 + Math.floor(next() * 200) }, () => phrases[Math.floor(next() * phrases.length)]).join(" "),
    maxTokens,
    model: "gpt-4o-mini" as const,
  }));

  let started = performance.now();
  const onHost = requests.map(budget);
  const hostMs = performance.now() - started;

  started = performance.now();
  const inPool = await Promise.all(requests.map((r) => pool.call.count(r)));
  const poolMs = performance.now() - started;
  await pool.shutdown();

  const raw = inPool.reduce((n, r) => n + r.rawTokens, 0);
  const kept = inPool.reduce((n, r) => n + r.keptTokens, 0);
  console.log(`requests: ${inPool.length}, raw tokens: ${raw}, kept tokens: ${kept}, trimmed: ${inPool.filter((r) => r.trimmed).length}`);
  console.log(`same as host: ${JSON.stringify(inPool) === JSON.stringify(onHost)}`);
  console.error(`host ${hostMs.toFixed(0)} ms, pool of 2 ${poolMs.toFixed(0)} ms`);
}
