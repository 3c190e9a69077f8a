// createPool options and task options: validated and normalised once, with
// a clear error for a bad value and a one-time warning for an unknown key
// (the original silently ignores those). Also the debug logger.
import { op_knitting_debug_env, op_knitting_debug_print, op_knitting_now } from "ext:core/ops";
import { L } from "ext:deno_knitting/01_lane.js";

const MiB = 1 << 20;
export const DEFAULT_ABORT_CAPACITY = 258;
const BALANCERS = ["leastBusy", "roundRobin", "robinRound", "firstIdle", "randomLane", "firstIdleOrRandom"];
const DEBUG_NAMESPACES = ["host", "imports", "lifecycle", "signals", "globals"];

const KNOWN = {
  top: [
    "threads",
    "inliner",
    "balancer",
    "payload",
    "abortSignalCapacity",
    "worker",
    "host",
    "permission",
    "debug",
    "source",
    "workerExecArgv",
    "unsafe",
    "resourceLimits",
  ],
  resourceLimits: ["maxHeapMb", "maxOldGenerationSizeMb", "stackMb", "stackSizeMb", "maxOpenFiles"],
  payload: ["mode", "payloadInitialBytes", "payloadMaxByteLength", "maxPayloadBytes"],
  worker: ["timers", "hardTimeoutMs", "resolveAfterFinishingAll", "runtime", "bootstrap"],
  timers: ["spinMicroseconds", "parkMs", "pauseNanoseconds"],
  inliner: ["position", "batchSize", "dispatchThreshold"],
  host: ["stallFreeLoops", "maxBackoffMs", "dispatcher", "steal", "stealRegionLanes"],
};
/** Top-level spellings the original documents as deprecated aliases. */
const ALIASES = {
  payloadInitialBytes: ["payload", "payloadInitialBytes"],
  payloadMaxBytes: ["payload", "payloadMaxByteLength"],
  maxPayloadBytes: ["payload", "maxPayloadBytes"],
  bufferMode: ["payload", "mode"],
  dispatcher: ["host", "dispatcher"],
};

const warned = new Set();
export function warnOnce(message) {
  if (warned.has(message)) return;
  warned.add(message);
  globalThis.console?.warn(`Knitting warning: ${message}`);
}

function checkKeys(object, known, where) {
  for (const key of Object.keys(object)) {
    if (!known.includes(key)) warnOnce(`createPool option ${where}${key} is unknown and was ignored`);
  }
}

function isObject(value) {
  return value !== null && typeof value === "object";
}

function number(
  value,
  name,
  { min = 0, max = Infinity, integer = false, fallback = undefined, allowInfinity = false },
) {
  if (value === undefined) return fallback;
  const ok =
    typeof value === "number" &&
    !Number.isNaN(value) &&
    value >= min &&
    value <= max &&
    (allowInfinity || Number.isFinite(value)) &&
    (!integer || Number.isInteger(value));
  if (!ok) {
    const bounds = max === Infinity ? `>= ${min}` : `from ${min} to ${max}`;
    throw new RangeError(
      `createPool: ${name} must be ${integer ? "an integer" : "a number"} ${bounds}, got ${String(value)}`,
    );
  }
  return value;
}

function payloadOptions(payload) {
  const mode = payload.mode ?? "growable";
  if (mode !== "growable" && mode !== "fixed") {
    throw new RangeError(`createPool: payload.mode must be "growable" or "fixed", got ${String(mode)}`);
  }
  const maxByteLength = number(payload.payloadMaxByteLength, "payload.payloadMaxByteLength", {
    integer: true,
    fallback: 64 * MiB,
  });
  if (maxByteLength < 8) throw new RangeError("payloadMaxByteLength is too small; must be at least 8 bytes.");
  const initial = number(payload.payloadInitialBytes, "payload.payloadInitialBytes", {
    integer: true,
    fallback: Math.min(4 * MiB, maxByteLength),
  });
  if (initial > maxByteLength) {
    throw new RangeError(
      `createPool: payload.payloadInitialBytes (${initial}) exceeds payload.payloadMaxByteLength (${maxByteLength})`,
    );
  }
  const limit = Math.floor(maxByteLength / 8);
  const maxPayloadBytes = payload.maxPayloadBytes ?? limit;
  if (typeof maxPayloadBytes !== "number" || !(maxPayloadBytes > 0) || maxPayloadBytes > limit) {
    throw new RangeError(`maxPayloadBytes must be > 0 and <= ${limit}.`);
  }
  // payloadInitialBytes is checked and has no effect (docs/compat.md): memory is allocated per value.
  return { mode, maxByteLength, maxPayloadBytes: Math.floor(maxPayloadBytes) };
}

function balancerOption(balancer) {
  const strategy = isObject(balancer) ? balancer.strategy : balancer;
  if (strategy === undefined) return "leastBusy";
  if (!BALANCERS.includes(strategy)) {
    throw new RangeError(`createPool: balancer must be one of ${BALANCERS.join(", ")}; got ${String(strategy)}`);
  }
  return strategy === "robinRound" ? "roundRobin" : strategy;
}

function inlinerOption(inliner) {
  if (inliner === undefined || inliner === null || inliner === false) return null;
  if (!isObject(inliner)) throw new TypeError('createPool: inliner must be an object such as { position: "last" }');
  checkKeys(inliner, KNOWN.inliner, "inliner.");
  const position = inliner.position ?? "last";
  if (position !== "first" && position !== "last") {
    throw new RangeError(`createPool: inliner.position must be "first" or "last", got ${String(position)}`);
  }
  return {
    position,
    batchSize: number(inliner.batchSize, "inliner.batchSize", { min: 1, integer: true, fallback: 1 }),
    dispatchThreshold: number(inliner.dispatchThreshold, "inliner.dispatchThreshold", { min: 1, fallback: 1 }),
  };
}

function debugOption(debug) {
  const namespaces = new Set();
  const add = (list) => {
    for (const name of list) {
      if (name === "*" || name === "1" || name === "true") DEBUG_NAMESPACES.forEach((n) => namespaces.add(n));
      else if (DEBUG_NAMESPACES.includes(name)) namespaces.add(name);
      else if (name !== "") warnOnce(`debug namespace "${name}" is unknown (known: ${DEBUG_NAMESPACES.join(", ")})`);
    }
  };
  add(
    op_knitting_debug_env()
      .split(",")
      .map((name) => name.trim()),
  );
  if (debug === true) add(["*"]);
  else if (isObject(debug)) add(Object.keys(debug).filter((name) => debug[name] === true));
  return [...namespaces];
}

/** `worker.bootstrap = { href, name = "default", data }`: a module each worker
 *  imports, and whose export `name` it awaits with `(data, { thread,
 *  totalNumberOfThread, runtime })`, before it imports the task modules.
 *  `href` is resolved against the module that calls createPool (by the API). */
function bootstrapOption(bootstrap) {
  if (bootstrap === undefined) return null;
  if (!isObject(bootstrap))
    throw new TypeError("createPool: worker.bootstrap must be an object { href, name?, data? }");
  checkKeys(bootstrap, ["href", "name", "data"], "worker.bootstrap.");
  const { href, name = "default", data = null } = bootstrap;
  if (typeof href !== "string" && !(typeof URL === "function" && href instanceof URL)) {
    throw new TypeError("createPool: worker.bootstrap.href must be a string or URL (a module path or URL)");
  }
  if (typeof name !== "string")
    throw new TypeError("createPool: worker.bootstrap.name must be a string (an export name)");
  let json;
  try {
    json = JSON.stringify(data);
  } catch (error) {
    throw new TypeError(
      `createPool: worker.bootstrap.data must be JSON data (it travels with each worker's settings): ${error}`,
    );
  }
  return { href: String(href), name, data: json === undefined ? null : JSON.parse(json) };
}

/** The smallest heap a worker can start in (its runtime alone takes ~10 MiB). */
export const MIN_HEAP_MB = 32;

/** The largest JS stack a worker may ask for: its thread reserves it up front. */
const MAX_STACK_MB = 1024;

/** A limit given under its name or under Node's and piscina's alias. */
function aliased(limits, name, alias) {
  return limits[name] === undefined
    ? [limits[alias], `resourceLimits.${alias}`]
    : [limits[name], `resourceLimits.${name}`];
}

/** `resourceLimits`: `maxHeapMb` and `stackMb` (Node's and piscina's
 *  `maxOldGenerationSizeMb` and `stackSizeMb` are the same limits); null
 *  when unlimited. */
function resourceLimitsOption(limits) {
  if (limits === undefined) return { maxHeapMb: null, stackMb: null, maxOpenFiles: null };
  if (!isObject(limits)) throw new TypeError("createPool: resourceLimits must be an object");
  checkKeys(limits, KNOWN.resourceLimits, "resourceLimits.");
  const [heap, heapName] = aliased(limits, "maxHeapMb", "maxOldGenerationSizeMb");
  const [stack, stackName] = aliased(limits, "stackMb", "stackSizeMb");
  return {
    maxHeapMb: number(heap, heapName, { min: MIN_HEAP_MB, integer: true, fallback: null }),
    stackMb: number(stack, stackName, { min: 1, max: MAX_STACK_MB, integer: true, fallback: null }),
    maxOpenFiles: number(limits.maxOpenFiles, "resourceLimits.maxOpenFiles", { min: 1, integer: true, fallback: null }),
  };
}

/** Validate createPool's options; returns the normalised settings. Throws on a bad value. */
export function normalizePoolOptions(options = {}) {
  if (!isObject(options)) throw new TypeError("createPool(options): options must be an object");
  checkKeys(options, [...KNOWN.top, ...Object.keys(ALIASES)], "");
  const payload = { ...(isObject(options.payload) ? options.payload : {}) };
  const host = { ...(isObject(options.host) ? options.host : {}) };
  for (const [alias, [group, key]] of Object.entries(ALIASES)) {
    if (options[alias] === undefined) continue;
    warnOnce(`createPool option ${alias} is deprecated; use ${group}.${key}`);
    (group === "payload" ? payload : host)[key] ??= options[alias];
  }
  checkKeys(payload, KNOWN.payload, "payload.");
  checkKeys(host, KNOWN.host, "host.");
  if (host.steal !== undefined && typeof host.steal !== "boolean") {
    throw new TypeError("createPool: host.steal must be a boolean");
  }
  for (const key of Object.keys(host)) {
    if (KNOWN.host.includes(key) && key !== "steal") {
      warnOnce(
        `createPool option host.${key} has no effect here: workers wake the host, which never polls or backs off`,
      );
    }
  }
  const worker = isObject(options.worker) ? options.worker : {};
  checkKeys(worker, KNOWN.worker, "worker.");
  const timers = isObject(worker.timers) ? worker.timers : {};
  checkKeys(timers, KNOWN.timers, "worker.timers.");
  if (worker.runtime !== undefined && worker.runtime !== "thread") {
    throw new RangeError(
      `createPool: worker.runtime "${worker.runtime}" is not supported; Knitting on knit runs thread workers`,
    );
  }
  const bootstrap = bootstrapOption(worker.bootstrap);
  if (options.source !== undefined)
    throw new RangeError("createPool: source (a custom worker entry module) is not supported");
  if (options.workerExecArgv !== undefined)
    warnOnce("createPool option workerExecArgv applies to Node only and was ignored");
  // The limits are Rust's (ext/src/layout.rs), which checks them again.
  const threads = number(options.threads, "threads", { min: 1, max: L.maxThreads, integer: true, fallback: 1 });
  const hardTimeoutMs =
    worker.hardTimeoutMs === undefined
      ? null
      : number(worker.hardTimeoutMs, "worker.hardTimeoutMs", {
          min: 1,
        });
  if (worker.resolveAfterFinishingAll !== undefined && typeof worker.resolveAfterFinishingAll !== "boolean") {
    throw new TypeError("createPool: worker.resolveAfterFinishingAll must be a boolean");
  }
  const balancer = balancerOption(options.balancer);
  const inliner = inlinerOption(options.inliner);
  return {
    threads,
    balancer,
    inliner,
    // Like the original: on by default, off with an explicit balancer or the
    // inliner; host.steal decides when given.
    steal: threads > 1 && (host.steal ?? (options.balancer === undefined && inliner === null)),
    payload: payloadOptions(payload),
    abortSignalCapacity: number(options.abortSignalCapacity, "abortSignalCapacity", {
      min: 1,
      max: L.maxAbortSlots,
      integer: true,
      fallback: DEFAULT_ABORT_CAPACITY,
    }),
    hardTimeoutMs,
    worker: {
      spinMicroseconds: number(timers.spinMicroseconds, "worker.timers.spinMicroseconds", { fallback: null }),
      parkMs: number(timers.parkMs, "worker.timers.parkMs", { fallback: Infinity, allowInfinity: true }),
      resolveAfterFinishingAll: worker.resolveAfterFinishingAll === true,
      bootstrap,
    },
    debug: debugOption(options.debug),
    resourceLimits: resourceLimitsOption(options.resourceLimits),
    // Checked and resolved in Rust (knitting_permissions); URLs become strings.
    permission: options.permission === undefined ? null : JSON.parse(JSON.stringify(options.permission)),
  };
}

/**
 * A task's `timeout` as { ms, ok, value } (what the call settles with when it
 * fires), or null for none. Negative, NaN or missing times mean no timeout.
 */
/** What Rust is told of a new pool (`PoolSpec` in ext/src/pool.rs): threads,
 *  the task table and tuning the workers read, limits, the policy, and the
 *  program's modules the workers load. */
export function poolSpec(tasks, options, abortSlots) {
  return {
    threads: options.threads,
    tasks: tasks.map(({ key, url, at, abortSignal }) => ({ key, url, at, abortSignal })),
    worker: { ...options.worker, debug: options.debug, steal: options.steal, threads: options.threads },
    abortSlots,
    maxPayloadBytes: options.payload.maxPayloadBytes,
    payloadMaxByteLength: options.payload.maxByteLength,
    payloadMode: options.payload.mode,
    maxHeapMb: options.resourceLimits.maxHeapMb,
    stackMb: options.resourceLimits.stackMb,
    maxOpenFiles: options.resourceLimits.maxOpenFiles,
    permission: options.permission,
    // The program's code the workers load (unchecked, readable under strict).
    modules: [
      ...new Set([
        ...tasks.flatMap((t) => (t.href ? [t.url, t.href] : [t.url])),
        ...(options.worker.bootstrap ? [options.worker.bootstrap.url] : []),
      ]),
    ],
  };
}

export function normalizeTimeout(timeout) {
  if (typeof timeout === "number") return timeout >= 0 ? { ms: timeout, ok: false, value: undefined } : null;
  if (!isObject(timeout) || !(typeof timeout.time === "number" && timeout.time >= 0)) return null;
  if ("default" in timeout) return { ms: timeout.time, ok: true, value: timeout.default };
  if (timeout.maybe === true) return { ms: timeout.time, ok: true, value: undefined };
  if ("error" in timeout) return { ms: timeout.time, ok: false, value: timeout.error };
  return { ms: timeout.time, ok: false, value: undefined };
}

/** A logger for the enabled debug namespaces: `[host·knit·+12.3ms] host: …` on stderr. */
export function debugLogger(namespaces, who, token = 0) {
  if (namespaces.length === 0) return null;
  const enabled = new Set(namespaces);
  const start = op_knitting_now();
  return (namespace, message) => {
    if (!enabled.has(namespace)) return;
    const ms = (op_knitting_now() - start).toFixed(1);
    // Straight to stderr: a worker's console may be silenced by its policy.
    op_knitting_debug_print(token, `[${who}·knit·+${ms}ms] ${namespace}: ${message}`);
  };
}

/** The `host` debug lines for a new pool: the original's setup lines
 *  (`cwd=`, one `task name=… id=… from=…` per task), then ours. */
export function logPoolSetup(log, id, options, tasks) {
  let cwd = "(not readable)";
  try {
    cwd = Deno.cwd();
  } catch {
    // knit's own permissions may not let it read the working directory.
  }
  log("host", `cwd=${cwd}`);
  tasks.forEach((t, index) => log("host", `task name=${t.key} id=${index} from=${t.url}`));
  log(
    "host",
    `pool ${id}: threads=${options.threads} ` +
      `${options.steal ? "dispatcher=steal" : `balancer=${options.balancer}`} ` +
      `tasks=${tasks.map((t) => `${t.key}@${t.url}`).join(", ")}`,
  );
}
