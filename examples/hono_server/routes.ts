// The server's routes, the same whether the heavy work runs in a pool or on
// the main thread: /ping answers at once, /ssr renders React, /jwt signs a
// token with hono/jwt, /validate checks a body with zod.
import { Hono } from "hono";
import { sign } from "hono/jwt";
import { z } from "zod";
import { type Profile, renderProfile } from "./components.tsx";

export const ProfileSchema = z.object({
  name: z.string().min(1).max(80),
  email: z.string().email(),
  bio: z.string().max(2000),
  skills: z.array(z.string().min(1)).max(20),
});

export const TokenRequest = z.object({ sub: z.string().min(1), iat: z.number().int().nonnegative() });

export type TokenClaims = z.infer<typeof TokenRequest>;

/** Signs an HS256 token for an hour (the secret from JWT_SECRET). */
export async function signToken(claims: TokenClaims): Promise<string> {
  const secret = Deno.env.get("JWT_SECRET") ?? "knitting-example-secret";
  return await sign({ ...claims, exp: claims.iat + 3600 }, secret, "HS256");
}

export { renderProfile };

/** The work a request does, wherever it runs. */
export type Work = {
  ssr: (profile: Profile) => Promise<string> | string;
  jwt: (claims: TokenClaims) => Promise<string>;
};

export function app(work: Work): Hono {
  const hono = new Hono();
  hono.get("/ping", (c) => c.json({ pong: true }));
  hono.post("/ssr", async (c) => {
    const parsed = ProfileSchema.safeParse(await c.req.json().catch(() => null));
    if (!parsed.success) return c.json({ ok: false, issues: parsed.error.issues.length }, 400);
    return c.html(await work.ssr(parsed.data));
  });
  hono.post("/jwt", async (c) => {
    const parsed = TokenRequest.safeParse(await c.req.json().catch(() => null));
    if (!parsed.success) return c.json({ ok: false, issues: parsed.error.issues.length }, 400);
    return c.json({ ok: true, token: await work.jwt(parsed.data) });
  });
  hono.post("/validate", async (c) => {
    const parsed = ProfileSchema.safeParse(await c.req.json().catch(() => null));
    return parsed.success ? c.json({ ok: true }) : c.json({ ok: false, issues: parsed.error.issues.length }, 400);
  });
  return hono;
}
