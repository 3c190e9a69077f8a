// The loopback baselines: a Web Worker (its own thread, as a pool worker
// is) serving an HTTP echo (POST body back) and a WebSocket echo with
// Deno.serve on 127.0.0.1. Posts its port once it listens.
const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (request) => {
  if (request.headers.get("upgrade") === "websocket") {
    const { socket, response } = Deno.upgradeWebSocket(request);
    socket.onmessage = (event) => socket.send(event.data);
    return response;
  }
  return new Response(request.body);
});
(self as unknown as Worker).postMessage(server.addr.port);
