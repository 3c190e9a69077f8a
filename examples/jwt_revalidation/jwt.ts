// HS256 JSON Web Tokens with WebCrypto: sign, verify, and renew tokens that
// are close to expiry. The key is imported once per secret and thread.
const encoder = new TextEncoder();
const decoder = new TextDecoder();
const keys = new Map<string, Promise<CryptoKey>>();

function key(secret: string): Promise<CryptoKey> {
  let found = keys.get(secret);
  if (!found) {
    found = crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign", "verify"]);
    keys.set(secret, found);
  }
  return found;
}

const base64url = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes)).replace(/=+$/, "").replace(/\+/g, "-").replace(/\//g, "_");
const fromBase64url = (text: string) => Uint8Array.from(atob(text.replace(/-/g, "+").replace(/_/g, "/")), (c) => c.charCodeAt(0));

export type Claims = { sub: string; iat: number; exp: number };

export async function sign(claims: Claims, secret: string): Promise<string> {
  const head = base64url(encoder.encode(JSON.stringify({ alg: "HS256", typ: "JWT" })));
  const body = base64url(encoder.encode(JSON.stringify(claims)));
  const signature = await crypto.subtle.sign("HMAC", await key(secret), encoder.encode(`${head}.${body}`));
  return `${head}.${body}.${base64url(new Uint8Array(signature))}`;
}

export type Outcome = { status: "accepted" | "renewed" | "rejected"; token?: string };

/** At time `now` (seconds): a valid token is accepted, renewed when it
 *  expires within `renewWithin`, and rejected when forged or expired. */
export async function revalidate(token: string, secret: string, now: number, renewWithin = 300): Promise<Outcome> {
  const [head, body, signature] = token.split(".");
  if (!head || !body || !signature) return { status: "rejected" };
  const ok = await crypto.subtle.verify("HMAC", await key(secret), fromBase64url(signature), encoder.encode(`${head}.${body}`));
  if (!ok) return { status: "rejected" };
  const claims = JSON.parse(decoder.decode(fromBase64url(body))) as Claims;
  if (claims.exp <= now) return { status: "rejected" };
  if (claims.exp - now > renewWithin) return { status: "accepted" };
  return { status: "renewed", token: await sign({ sub: claims.sub, iat: now, exp: now + 3600 }, secret) };
}
