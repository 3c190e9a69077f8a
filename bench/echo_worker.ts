// The postMessage baseline: a Web Worker that echoes every message.
self.onmessage = (event: MessageEvent) => {
  (self as unknown as Worker).postMessage(event.data);
};
