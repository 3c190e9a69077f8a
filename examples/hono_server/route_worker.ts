// A Web Worker doing the Hono example's heavy work, one message at a time.
import { renderProfile, signToken } from "./routes.ts";

self.postMessage("ready");
self.onmessage = async (event: MessageEvent) => {
  const { id, kind, arg } = event.data;
  const value = kind === "ssr" ? renderProfile(arg) : await signToken(arg);
  self.postMessage({ id, value });
};
