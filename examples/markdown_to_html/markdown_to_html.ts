// Markdown to HTML with `marked`, in a pool of 2 workers and on the host;
// prints how many documents were rendered, whether both sides agree, and
// a SHA-256 of all HTML (deterministic: the documents are generated).
//
//   cd examples && npm ci && knit run markdown_to_html/markdown_to_html.ts [--docs 400]
import { createPool, isMain, task } from "@vixeny/knitting";
import { renderMarkdown } from "./render.ts";
import { documents, numberFlag, sha256 } from "../shared.ts";

export const render = task({ f: (markdown: string) => renderMarkdown(markdown) });

const pool = createPool({ threads: 2 })({ render });

if (isMain) {
  const count = numberFlag("docs", 400);
  const docs = documents(count);

  let started = performance.now();
  const onHost = docs.map(renderMarkdown);
  const hostMs = performance.now() - started;

  started = performance.now();
  const inPool = await Promise.all(docs.map((doc) => pool.call.render(doc)));
  const poolMs = performance.now() - started;
  await pool.shutdown();

  console.log(`documents: ${inPool.length}`);
  console.log(`same html: ${inPool.every((html, i) => html === onHost[i])}`);
  console.log(`html sha256: ${await sha256(inPool.join("\n"))}`);
  console.error(`host ${hostMs.toFixed(0)} ms, pool of 2 ${poolMs.toFixed(0)} ms`);
}
