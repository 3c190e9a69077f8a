// Token counting and budgeting with tiktoken (Rust compiled to WebAssembly).
import { encoding_for_model, type Tiktoken, type TiktokenModel } from "tiktoken";

const encoders = new Map<string, Tiktoken>();

function encoder(model: TiktokenModel): Tiktoken {
  let found = encoders.get(model);
  if (!found) encoders.set(model, (found = encoding_for_model(model)));
  return found;
}

export type Budgeted = { rawTokens: number; keptTokens: number; trimmed: boolean; text: string };

/** Counts the prompt's tokens and keeps at most `maxTokens` of them. */
export function budget({ prompt, maxTokens, model }: { prompt: string; maxTokens: number; model: TiktokenModel }): Budgeted {
  const enc = encoder(model);
  const tokens = enc.encode(prompt);
  if (tokens.length <= maxTokens) return { rawTokens: tokens.length, keptTokens: tokens.length, trimmed: false, text: prompt };
  const kept = tokens.slice(0, maxTokens);
  return { rawTokens: tokens.length, keptTokens: kept.length, trimmed: true, text: new TextDecoder().decode(enc.decode(kept)) };
}
