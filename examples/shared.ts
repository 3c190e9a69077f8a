// Deterministic inputs and checks shared by the examples.

/** A small seeded PRNG (mulberry32): the same sequence on every run and thread. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Hex SHA-256 of a string. */
export async function sha256(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

const words = ["thread", "pool", "task", "lane", "worker", "buffer", "promise", "atomics", "queue", "park"];

/** `count` Markdown documents with headings, lists, tables, code and links. */
export function documents(count: number): string[] {
  const next = random(7);
  const word = () => words[Math.floor(next() * words.length)];
  return Array.from({ length: count }, (_, i) => {
    const items = Array.from({ length: 3 + (i % 5) }, () => `- **${word()}** and _${word()}_ with \`${word()}()\``);
    const rows = Array.from({ length: 3 }, (_, r) => `| ${word()} | ${r * i} | ${word()} |`);
    return [
      `# Document ${i}: ${word()} ${word()}`,
      "",
      `A paragraph about the ${word()} of the ${word()}, see [the docs](https://example.com/${i}).`,
      "",
      ...items,
      "",
      "| name | n | kind |",
      "|---|---|---|",
      ...rows,
      "",
      "```ts",
      `const ${word()} = ${i};`,
      "```",
      "",
      `> ${word()} ${word()} ${word()}`,
    ].join("\n");
  });
}

/** `--name value` from the command line, as a number, or `fallback`. */
export function numberFlag(name: string, fallback: number): number {
  const at = Deno.args.indexOf(`--${name}`);
  const value = at >= 0 ? Number(Deno.args[at + 1]) : NaN;
  return Number.isFinite(value) ? value : fallback;
}
