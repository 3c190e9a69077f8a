// Server-side rendering with React (CommonJS packages, loaded through
// Deno's CJS translation) in a pool of 2 workers and on the host; prints
// the page count, whether both sides agree, and a SHA-256 of all HTML.
//
//   cd examples && npm ci && knit run react_ssr/react_ssr.ts [--pages 600]
import { createPool, isMain, task } from "@vixeny/knitting";
import { renderUserCard, type User } from "./user_card.tsx";
import { numberFlag, random, sha256 } from "../shared.ts";

export const render = task({ f: (user: User) => renderUserCard(user) });

// React reads process.env.NODE_ENV when it loads; task code may read that and nothing else.
const pool = createPool({ threads: 2, permission: { mode: "strict", env: { allow: ["NODE_ENV"] } } })({ render });

function users(count: number): User[] {
  const next = random(3);
  const tags = ["rust", "deno", "threads", "quickjs", "react", "ssr", "atomics"];
  return Array.from({ length: count }, (_, id) => ({
    id,
    name: `User <${id}>`,
    email: `user${id}@example.com`,
    joined: `2024-${String(1 + (id % 12)).padStart(2, "0")}-01`,
    tags: tags.filter(() => next() < 0.4),
    bio: `Writes "${tags[id % tags.length]}" code & ships it on ${1 + (id % 28)} cores.`,
  }));
}

if (isMain) {
  const list = users(numberFlag("pages", 600));

  let started = performance.now();
  const onHost = list.map(renderUserCard);
  const hostMs = performance.now() - started;

  started = performance.now();
  const inPool = await Promise.all(list.map((user) => pool.call.render(user)));
  const poolMs = performance.now() - started;
  await pool.shutdown();

  console.log(`pages: ${inPool.length}, bytes: ${inPool.reduce((n, html) => n + html.length, 0)}`);
  console.log(`same html: ${inPool.every((html, i) => html === onHost[i])}`);
  console.log(`html sha256: ${await sha256(inPool.join("\n"))}`);
  console.error(`host ${hostMs.toFixed(0)} ms, pool of 2 ${poolMs.toFixed(0)} ms`);
}
