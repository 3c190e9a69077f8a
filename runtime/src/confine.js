// Run by knit in every worker runtime (pool workers, Web Workers) after
// bootstrap and before any module of the program; see confine.rs.
(() => {
  const Deno = globalThis.Deno;
  if (Deno === undefined) return;
  // `Deno[Deno.internal].core` holds the raw serializer, the op table and
  // the SharedArrayBuffer store's ids: with it, task code could take
  // buffers in flight to other pools and, on this engine, reach memory it
  // was never given. Deno's own JS keeps `internals` in module scope and
  // never reads it back from here.
  delete Deno[Deno.internal];
  // op_kill has no route but this function (the op table is gone).
  const denoKill = Deno.kill;
  if (typeof denoKill === "function") {
    const own = Deno.pid;
    Object.defineProperty(Deno, "kill", {
      value: function kill(pid, signal) {
        if (pid <= 0 || pid === own) {
          throw new Deno.errors.NotCapable(
            "Signalling knit's own process (Deno.kill(Deno.pid), or a process group) is not allowed in a worker: " +
              "the process is shared by every pool and the program itself. Throw an error instead: the call rejects with it.",
          );
        }
        return denoKill(pid, signal);
      },
      writable: true,
      enumerable: true,
      configurable: true,
    });
  }
})();
