// The inliner: the host itself as one more lane. Inline calls
// skip the transport (arguments and results by reference), run in order,
// the first of a burst in a microtask and anything past `batchSize` after a
// visit to the event loop, so a burst cannot starve timers and I/O.
// Inline code runs with the host's privileges and cannot be interrupted.
import { op_knitting_turn_event_loop } from "ext:core/ops";
import { taskNow } from "ext:deno_knitting/00_values.js";

export class InlineLane {
  /** `complete(call, ok, value)` settles and releases a call. */
  constructor(batchSize, complete) {
    this.index = -1;
    this.inflight = 0;
    this.failure = null;
    this.respawning = false;
    this.watched = false;
    this.batchSize = batchSize;
    this.complete = complete;
    this.queue = [];
    this.scheduled = false;
  }

  isReady() {
    return true;
  }

  submit(call, arg) {
    this.queue.push(call, arg);
    if (!this.scheduled) {
      this.scheduled = true;
      queueMicrotask(() => this.#runBatch());
    }
  }

  async #runBatch() {
    for (;;) {
      let ran = 0;
      while (this.queue.length > 0 && ran < this.batchSize) {
        const call = this.queue.shift();
        const arg = this.queue.shift();
        ran++;
        this.#run(call, arg);
      }
      if (this.queue.length === 0) break;
      await op_knitting_turn_event_loop();
    }
    this.scheduled = false;
  }

  #run(call, arg) {
    if (call.state !== 1) return this.complete(call, false, undefined);
    const f = call.task.f;
    let result;
    try {
      result = call.task.abortSignal
        ? f(arg, {
            hasAborted: () => call.abortRequested,
            now: taskNow,
          })
        : f(arg);
    } catch (error) {
      return this.complete(call, false, error);
    }
    if (result instanceof Promise) {
      result.then(
        (value) => this.complete(call, true, value),
        (error) => this.complete(call, false, error),
      );
    } else {
      this.complete(call, true, result);
    }
  }
}
