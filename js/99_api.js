// The public Knitting API: task, importTask, createPool, isMain,
// setModuleUrl, Envelope, NumericArray and the library's error classes.
// User code reaches it as the `knitting` module (a facade over the frozen
// object installed below); the internals above stay module-private.
import { op_knitting_is_worker } from "ext:core/ops";
import { HostPool } from "ext:deno_knitting/08_host.js";
import { TASK_BRAND, workerMain } from "ext:deno_knitting/08_worker.js";
import { normalizePoolOptions, normalizeTimeout } from "ext:deno_knitting/03_options.js";
import {
  AbortSignalPoolExhaustedError,
  Envelope,
  HardTimeoutError,
  isNumericArray,
  NumericArray,
  PoolClosedError,
  TaskTimeoutError,
  WorkerCrashedError,
} from "ext:deno_knitting/00_values.js";

const MAX_TASKS = 0xffff;

// Asked at run time, not when this module is evaluated: the module may be
// evaluated once into a startup snapshot shared by hosts and workers.
function isMainThread() {
  return !op_knitting_is_worker();
}

let moduleUrlOverride = null;
let nextTaskId = 0;
/** Per module URL: how many tasks it has defined, so host and worker agree on `at`. */
const tasksPerModule = new Map();

const URL_IN_FRAME = /((?:file|https?|data|blob):[^\s()]*?)(?::\d+){1,2}\)?\s*$/;

/** The URL of the user module that called into this API (first frame outside the runtime). */
function callerUrl() {
  const stack = new Error().stack ?? "";
  for (const line of stack.split("\n")) {
    const match = URL_IN_FRAME.exec(line);
    if (match !== null) return match[1];
  }
  throw new Error(
    "Knitting could not tell which module called it (no file URL in the stack); call setModuleUrl(import.meta.url) first",
  );
}

/** Module URLs are resolved with the `URL` global, which deno_core alone
 *  does not have (deno_web's URL does); without it these APIs say so. */
function requireUrl(where) {
  if (typeof URL !== "function") {
    throw new TypeError(
      `${where} resolves module URLs with the URL global, which this runtime does not have (add Web APIs' URL, deno_web, to it)`,
    );
  }
}

export function setModuleUrl(url) {
  moduleUrlOverride = url === undefined || url === null ? null : toModuleUrl(String(url));
}

/** A module URL from a URL or a file path, as the original accepts them:
 *  `file:`/`https:` URLs as they are; Windows drive paths (`C:\app\x.ts`)
 *  and UNC paths (`\\server\share\x.ts`) as `file:` URLs; POSIX paths,
 *  relative ones against the working directory. */
function toModuleUrl(text) {
  requireUrl("setModuleUrl()");
  const drive = /^[A-Za-z]:[\\/]/.test(text);
  if (drive) return new URL(`file:///${text.replaceAll("\\", "/")}`).href;
  const unc = /^\\\\([^\\]+)\\(.*)$/.exec(text);
  if (unc !== null) return new URL(`file://${unc[1]}/${unc[2].replaceAll("\\", "/")}`).href;
  if (URL.canParse(text)) return new URL(text).href;
  if (text.startsWith("/")) return new URL(`file://${text}`).href;
  let cwd;
  try {
    cwd = Deno.cwd();
  } catch (error) {
    throw new TypeError(
      `setModuleUrl("${text}"): a relative path needs the working directory, which knit may not read (${error}); pass import.meta.url`,
    );
  }
  return new URL(text, `file://${cwd.endsWith("/") ? cwd : cwd + "/"}`).href;
}

function abortOption(abortSignal, where) {
  if (abortSignal === undefined || abortSignal === false) return false;
  if (abortSignal === true || abortSignal?.hasAborted === true) return true;
  throw new TypeError(`${where}: abortSignal must be true or { hasAborted: true }`);
}

function defineTask(f, options, imported) {
  const importedFrom = moduleUrlOverride ?? callerUrl();
  const at = tasksPerModule.get(importedFrom) ?? 0;
  tasksPerModule.set(importedFrom, at + 1);
  abortOption(options.abortSignal, imported ? "importTask" : "task");
  const definition = {
    ...options,
    f,
    id: nextTaskId++,
    importedFrom,
    at,
    imported,
    [TASK_BRAND]: true,
  };
  // The single-task shorthand: { call(arg), shutdown, stats, [Symbol.dispose] }.
  definition.createPool = (poolOptions) => {
    const pool = createPool(poolOptions)({ [f.name || "task"]: definition });
    const call = (arg) => Object.values(pool.call)[0](arg);
    return { ...pool, call };
  };
  return definition;
}

export function task(definition) {
  if (typeof definition?.f !== "function") {
    throw new TypeError("task() takes an object with a function f, e.g. task({ f: (name) => `hello ${name}` })");
  }
  return defineTask(definition.f, definition, false);
}

/** @param {{ href?: string, name?: string, [option: string]: unknown }} [definition] */
export function importTask({ href, name = "default", ...options } = {}) {
  if (typeof href !== "string" || href === "") {
    throw new TypeError("importTask() needs href, the URL or path of the module to import in the worker");
  }
  requireUrl("importTask()");
  const url = new URL(href, moduleUrlOverride ?? callerUrl()).href;
  let loaded = null;
  const f = async (arg, toolkit) => {
    if (loaded === null) {
      const namespace = await import(url);
      if (typeof namespace[name] !== "function") {
        const available = Object.keys(namespace).join(", ") || "none";
        throw new TypeError(
          `importTask expected export "${name}" from "${url}" to be a function. Available exports: ${available}`,
        );
      }
      loaded = namespace[name];
    }
    return loaded(arg, toolkit);
  };
  Object.defineProperty(f, "name", { value: name === "default" ? "importedTask" : name });
  return defineTask(f, { ...options, href: url, name }, true);
}

// Inside a worker, module top-level code that builds a pool gets this: it
// can be destructured and disposed, but calling a task through it throws.
function inertPool() {
  const refuse = () => {
    throw new Error("createPool can only be called in the main thread (guard the calls with isMain)");
  };
  const call = new Proxy(Object.create(null), { get: () => refuse });
  return {
    call,
    stats: refuse,
    shutdown: () => Promise.resolve(),
    [Symbol.dispose]() {},
    [Symbol.asyncDispose]: () => Promise.resolve(),
  };
}

export function createPool(options = {}) {
  const settings = normalizePoolOptions(options);
  const bootstrap = settings.worker.bootstrap;
  if (bootstrap !== null) {
    requireUrl("createPool's worker.bootstrap");
    bootstrap.url = new URL(bootstrap.href, moduleUrlOverride ?? callerUrl()).href;
  }
  return (tasks) => {
    if (!isMainThread()) return inertPool();
    if (tasks === null || typeof tasks !== "object") {
      throw new TypeError("createPool(options)(tasks): tasks must be an object such as { hello }");
    }
    const keys = Object.keys(tasks);
    if (keys.length === 0) throw new TypeError("createPool(options)(tasks): tasks has no entries");
    if (keys.length > MAX_TASKS) throw new RangeError(`Too many tasks: ${keys.length} (at most ${MAX_TASKS})`);
    let callerModule = null;
    const table = keys.map((key) => {
      const value = tasks[key];
      if (value?.[TASK_BRAND] === true) {
        return {
          key,
          url: value.importedFrom,
          at: value.at,
          f: value.f,
          imported: value.imported === true,
          href: value.imported === true ? value.href : undefined,
          timeout: normalizeTimeout(value.timeout),
          abortSignal: abortOption(value.abortSignal, `createPool task "${key}"`),
        };
      }
      if (typeof value === "function") {
        callerModule ??= moduleUrlOverride ?? callerUrl();
        return { key, url: callerModule, at: null, f: value, imported: false, timeout: null, abortSignal: false };
      }
      throw new TypeError(`createPool task "${key}" must be a task definition or exported function`);
    });
    const pool = new HostPool(table, settings);
    const call = Object.create(null);
    keys.forEach((key, index) => {
      call[key] = (arg) => pool.call(index, arg);
    });
    Object.freeze(call);
    // shutdown(), shutdown(delayMs) or shutdown({ drain, delayMs }).
    const shutdown = (how) => pool.shutdown(typeof how === "number" ? { delayMs: how } : (how ?? {}));
    return {
      call,
      shutdown,
      stats: () => pool.stats(),
      [Symbol.dispose]() {
        shutdown();
      },
      [Symbol.asyncDispose]() {
        return shutdown();
      },
    };
  };
}

const api = Object.freeze({
  createPool,
  task,
  get isMain() {
    return isMainThread();
  },
  importTask,
  setModuleUrl,
  Envelope,
  NumericArray,
  isNumericArray,
  PoolClosedError,
  WorkerCrashedError,
  TaskTimeoutError,
  HardTimeoutError,
  AbortSignalPoolExhaustedError,
});
Object.defineProperty(globalThis, Symbol.for("knitting.api"), { value: api });
// The worker entry (knit:worker) runs this once; elsewhere it is refused.
Object.defineProperty(globalThis, Symbol.for("knitting.workerMain"), {
  configurable: true,
  value: () => {
    if (isMainThread()) throw new Error("knit:worker is the entry of pool workers only");
    delete globalThis[Symbol.for("knitting.workerMain")];
    return workerMain();
  },
});
