import { z } from "zod";

export const User = z.object({
  id: z.number().int().positive(),
  email: z.string().email(),
  name: z.string().min(2).max(40),
  age: z.number().int().min(13).max(120),
  roles: z.array(z.enum(["admin", "editor", "viewer"])).min(1),
  address: z.object({ city: z.string().min(1), zip: z.string().regex(/^\d{5}$/) }),
});

export type Verdict = { valid: number; invalid: number; issues: string[] };

/** Validates a batch; keeps the first issue of each invalid payload. */
export function validateBatch(payloads: unknown[]): Verdict {
  const verdict: Verdict = { valid: 0, invalid: 0, issues: [] };
  for (const payload of payloads) {
    const result = User.safeParse(payload);
    if (result.success) verdict.valid++;
    else {
      verdict.invalid++;
      const issue = result.error.issues[0];
      verdict.issues.push(`${issue.path.join(".")}: ${issue.message}`);
    }
  }
  return verdict;
}
