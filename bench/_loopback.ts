// Clients for the loopback baselines of `ipc.ts`: the same echo as JSON
// text over one WebSocket, and over HTTP (`fetch`, keep-alive), to a
// server on its own thread (`_echo_server.ts`). Replies to a WebSocket
// come back in order, so each send waits for the next message.
import type { Send } from "./_stats.ts";

export async function loopback(): Promise<{ ws: Send; http: Send; close: () => void }> {
  const worker = new Worker(new URL("./_echo_server.ts", import.meta.url), { type: "module" });
  const port = await new Promise<number>((resolve) => (worker.onmessage = (event) => resolve(event.data)));
  const socket = new WebSocket(`ws://127.0.0.1:${port}/`);
  await new Promise((open, fail) => {
    socket.onopen = open;
    socket.onerror = fail;
  });
  const waiting: Array<(value: unknown) => void> = [];
  socket.onmessage = (event) => waiting.shift()!(event.data === "u" ? undefined : JSON.parse(event.data));
  const ws: Send = (value) =>
    new Promise((resolve) => {
      waiting.push(resolve);
      socket.send(value === undefined ? "u" : JSON.stringify(value));
    });
  const url = `http://127.0.0.1:${port}/`;
  const http: Send = async (value) => {
    const response = await fetch(url, { method: "POST", body: value === undefined ? "u" : JSON.stringify(value) });
    const text = await response.text();
    return text === "u" ? undefined : JSON.parse(text);
  };
  return {
    ws,
    http,
    close: () => {
      socket.close();
      worker.terminate();
    },
  };
}
