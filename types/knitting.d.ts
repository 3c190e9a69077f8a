// Types for the Knitting API as `knit` serves it ("knitting",
// "@vixeny/knitting", "jsr:@vixeny/knitting", "npm:knitting").
// Checked against examples/ and types/usage.ts by scripts/typecheck.sh.

/** What an abort-aware task gets as its second argument. */
export interface AbortToolkit {
  /** True once the caller ran `.reject()` on the call's promise, or its timeout fired. */
  hasAborted(): boolean;
  /** The worker's `performance.now()`. */
  now(): number;
}

/**
 * When a task must settle. A number is milliseconds, and the call then
 * rejects with a TaskTimeoutError; the object forms resolve with `default`,
 * resolve with `undefined` (`maybe`), or reject with `error`. A negative or
 * NaN time means no timeout.
 */
export type TaskTimeout =
  | number
  | { time: number; default: unknown }
  | { time: number; maybe: true }
  | { time: number; error: unknown };

export type AbortSignalOption = true | { hasAborted: true };

type Settles<R> = R | PromiseLike<R>;

/** A task made by `task()` or `importTask()`; export it so workers can find it. */
export interface TaskDefinition<A, R, Abort extends boolean = false> {
  readonly f: Abort extends true ? (arg: A, toolkit: AbortToolkit) => Settles<R> : (arg: A) => Settles<R>;
  readonly timeout?: TaskTimeout;
  readonly abortSignal?: Abort extends true ? AbortSignalOption : false | undefined;
  /** Creation order in this realm. */
  readonly id: number;
  /** URL of the module that defined the task. */
  readonly importedFrom: string;
  /** How many tasks that module defined before this one. */
  readonly at: number;
  /** True for `importTask` tasks. */
  readonly imported: boolean;
  /** A pool of this one task: `task(...).createPool(opts).call(arg)`. */
  createPool(options?: PoolOptions): SingleTaskPool<A, R, Abort>;
}

/** The promise of an abort-aware call. */
export interface AbortablePromise<R> extends Promise<R> {
  /**
   * Without a reason: raise the task's abort flag; the call still settles
   * with what the task returns. With a reason: reject now with it.
   */
  reject(reason?: unknown): void;
}

type Result<R, Abort extends boolean> = Abort extends true ? AbortablePromise<R> : Promise<R>;

/** A call: one argument (or a Promise of it, awaited before sending). */
export type TaskCall<A, R, Abort extends boolean = false> = [A] extends [undefined | void]
  ? (arg?: A | Promise<A>) => Result<R, Abort>
  : (arg: A | Promise<A>) => Result<R, Abort>;

// deno-lint-ignore no-explicit-any
type AnyTask = TaskDefinition<any, any, boolean> | ((arg: any) => unknown);

type CallOf<T> = T extends TaskDefinition<infer A, infer R, infer Abort> ? TaskCall<A, R, Abort>
  : T extends (arg: infer A) => infer R ? TaskCall<A, Awaited<R>, false>
  : never;

/** How `shutdown` ends the pool: after `delayMs`, and with `drain`, once in-flight calls settle. */
export type ShutdownOptions = number | { drain?: boolean; delayMs?: number };

/** Times in microseconds, from the calls timed (one in `sampleEvery`). */
export interface TimeSummary {
  samples: number;
  mean: number;
  p50: number;
  p99: number;
}

export interface WorkerStats {
  worker: number;
  /** Calls sent to this worker and not answered yet (queued in its ring, running, or settled early and awaited). */
  inFlight: number;
  /** Calls waiting on the host for room in this worker's ring. */
  queued: number;
  /** Answered with a value. */
  completed: number;
  /** Answered with an error: the task threw or rejected, or its result could not be sent. */
  failed: number;
  /** Calls this worker took from a busy peer's queue (work stealing). */
  stolen: number;
  /** How long tasks ran (until an async task settled). */
  runTime: TimeSummary;
  /** How long calls spent outside their task: queued, in transit both ways, waiting for the host. */
  waitTime: TimeSummary;
  /** Share of the pool's uptime this worker spent in tasks (0-1), estimated from the timed calls. */
  utilization: number;
}

/** `pool.stats()`: a snapshot, kept by the host at no cost to untimed calls. */
export interface PoolStats {
  uptimeMs: number;
  /** One call in this many is timed for `runTime` and `waitTime`. */
  sampleEvery: number;
  completed: number;
  failed: number;
  runTime: TimeSummary;
  waitTime: TimeSummary;
  workers: WorkerStats[];
  /** The host as a lane (`inliner`), or null. */
  inline: { inFlight: number; completed: number; failed: number } | null;
}

export interface Pool<T extends Record<string, AnyTask>> {
  readonly call: { readonly [K in keyof T]: CallOf<T[K]> };
  /** Idempotent: the same promise every time. Pending calls reject with PoolClosedError. */
  shutdown(how?: ShutdownOptions): Promise<void>;
  /** Per-worker counters and run/wait times; throws on a pool made inside a worker. */
  stats(): PoolStats;
  [Symbol.dispose](): void;
  [Symbol.asyncDispose](): Promise<void>;
}

export interface SingleTaskPool<A, R, Abort extends boolean = false> {
  readonly call: TaskCall<A, R, Abort>;
  shutdown(how?: ShutdownOptions): Promise<void>;
  stats(): PoolStats;
  [Symbol.dispose](): void;
  [Symbol.asyncDispose](): Promise<void>;
}

export type Balancer = "leastBusy" | "roundRobin" | "robinRound" | "firstIdle" | "randomLane" | "firstIdleOrRandom";

export interface PoolOptions {
  /** Worker threads: 1 (the default) to 256. */
  threads?: number;
  /** Which worker a call goes to. Default `leastBusy`; setting one turns work stealing off. */
  balancer?: Balancer | { strategy?: Balancer };
  /** The host as one more lane, used once `dispatchThreshold` calls are in flight. */
  inliner?: { position?: "first" | "last"; batchSize?: number; dispatchThreshold?: number };
  payload?: {
    /** When payloadMaxByteLength is full: "growable" (default) waits, "fixed" fails the call. */
    mode?: "growable" | "fixed";
    /** Accepted for compatibility; payload memory is allocated per value. */
    payloadInitialBytes?: number;
    /** Bytes in flight per worker and direction (default 64 MiB); more waits, it never fails. */
    payloadMaxByteLength?: number;
    /** Largest single value (default payloadMaxByteLength / 8); bigger ones reject with a RangeError. */
    maxPayloadBytes?: number;
  };
  /** Abort-aware calls in flight per worker: 1 to 32,766 (default 258). */
  abortSignalCapacity?: number;
  /** Limits each worker's engine enforces. */
  resourceLimits?: {
    /** Heap per worker, in MiB (at least 32: the runtime itself takes ~10). A worker
     *  that reaches it is stopped: its calls reject with a WorkerCrashedError naming
     *  the limit, and a new worker takes its place. `maxOldGenerationSizeMb` (Node,
     *  piscina) is accepted as the same limit. */
    maxHeapMb?: number;
    maxOldGenerationSizeMb?: number;
    /** JS stack per worker, in MiB (1 to 1024; default 1, which holds ~1,500 frames of
     *  a small recursive function). A call that recurses past it rejects with a
     *  RangeError and the worker serves on. `stackSizeMb` (Node, piscina) is the same. */
    stackMb?: number;
    stackSizeMb?: number;
    /** Files each worker may hold open at once (default 1024; no cap under "unsafe" when knit denies nothing).
     *  One more open fails with "Too many open files: this worker holds N, its limit". */
    maxOpenFiles?: number;
  };
  worker?: {
    /** `spinMicroseconds`: caps how long an idle worker re-checks its queue before it
     *  parks (by default it spins up to 4,000 checks, learned from the last waits).
     *  `parkMs`: a parked worker looks again after this long even if not woken. */
    timers?: { spinMicroseconds?: number; parkMs?: number; pauseNanoseconds?: number };
    /** A call still running after this long rejects with HardTimeoutError and its worker is replaced. */
    hardTimeoutMs?: number;
    /** Hold a worker's results until its queue is empty. */
    resolveAfterFinishingAll?: boolean;
    /** A module each worker imports before its task modules; its export `name`
     *  (default "default") is awaited with `(data, { thread, totalNumberOfThread, runtime })`.
     *  `href` is relative to the module that calls createPool; `data` must be JSON. */
    bootstrap?: { href: string | URL; name?: string; data?: unknown };
    runtime?: "thread";
  };
  host?: {
    /** Work stealing: on by default with 2+ threads, no balancer and no inliner. */
    steal?: boolean;
    stallFreeLoops?: number;
    maxBackoffMs?: number;
    dispatcher?: "per-thread" | "serial-channel";
    stealRegionLanes?: number;
  };
  /** Debug lines on stderr, by namespace (also KNITTING_DEBUG=ns1,ns2 or *). */
  debug?: boolean | { host?: boolean; imports?: boolean; lifecycle?: boolean; signals?: boolean; globals?: boolean };
  /** What task code may touch; see docs/permissions.md. Default "strict". */
  permission?: PermissionPolicy;
}

type Grant = boolean | Array<string | URL>;

/** A permission policy: a mode, or capabilities one by one (docs/permissions.md). */
export type PermissionPolicy =
  | "strict"
  | "unsafe"
  | "custom"
  | "off"
  | {
    mode?: "strict" | "unsafe" | "custom" | "off";
    console?: boolean;
    cwd?: string;
    read?: Grant;
    write?: Grant;
    denyRead?: Array<string | URL>;
    denyWrite?: Array<string | URL>;
    net?: boolean | string[];
    denyNet?: string[];
    allowImport?: boolean | string[];
    env?: { allow?: boolean | string[]; deny?: string[]; files?: string | string[] };
    run?: boolean | string[];
    denyRun?: string[];
    ffi?: Grant;
    denyFfi?: Array<string | URL>;
    sys?:
      | boolean
      | Array<"hostname" | "osRelease" | "osUptime" | "loadavg" | "networkInterfaces" | "systemMemoryInfo" | "uid" | "gid">;
    denySys?: string[];
    workers?: boolean;
    wasi?: boolean;
    node?: { allowChildProcess?: boolean; allowWorker?: boolean; allowAddons?: boolean; allowFfi?: boolean; allowWasi?: boolean };
    deno?: { allowRun?: boolean; lock?: boolean | string; frozen?: boolean };
  };

export function task<A, R>(definition: {
  f: (arg: A, toolkit: AbortToolkit) => R;
  timeout?: TaskTimeout;
  abortSignal: AbortSignalOption;
}): TaskDefinition<A, Awaited<R>, true>;
export function task<A, R>(definition: {
  f: (arg: A) => R;
  timeout?: TaskTimeout;
  abortSignal?: false;
}): TaskDefinition<A, Awaited<R>, false>;

/** A task whose function is the export `name` (default "default") of `href`, imported lazily in the worker. */
export function importTask<A = unknown, R = unknown>(definition: {
  href: string;
  name?: string;
  timeout?: TaskTimeout;
  abortSignal: AbortSignalOption;
}): TaskDefinition<A, R, true>;
export function importTask<A = unknown, R = unknown>(definition: {
  href: string;
  name?: string;
  timeout?: TaskTimeout;
  abortSignal?: false;
}): TaskDefinition<A, R, false>;

export function createPool(options?: PoolOptions): <T extends Record<string, AnyTask>>(tasks: T) => Pool<T>;

/** False inside pool workers. */
export const isMain: boolean;

/** Name the calling module's URL when stack traces cannot (bundles). */
export function setModuleUrl(url: string | URL | null): void;

/** An Array of numbers that travels packed as float64 and comes back as a NumericArray. */
export class NumericArray extends Array<number> {}
export function isNumericArray(value: unknown): value is NumericArray;

/** A header (string or JSON-like) with an ArrayBuffer body (copied), or a
 *  SharedArrayBuffer body (shared: both sides see each other's writes). */
export class Envelope<H = unknown, B extends ArrayBuffer | SharedArrayBuffer = ArrayBuffer> {
  constructor(header: H, payload?: B);
  readonly header: H;
  readonly payload: B;
  [Symbol.dispose](): void;
}

/** "Thread closed: …" for calls pending at shutdown, "Pool is shut down" afterwards. */
export class PoolClosedError extends Error {}
/** The call's worker died (or could not start); a new worker takes its place. */
export class WorkerCrashedError extends Error {}
/** "Task timeout: …" — the number form of `timeout`. */
export class TaskTimeoutError extends Error {}
/** "Task hard timeout after …ms" — `worker.hardTimeoutMs`. */
export class HardTimeoutError extends Error {}
/** Every abort signal slot of the worker is in use (`abortSignalCapacity`). */
export class AbortSignalPoolExhaustedError extends Error {}
