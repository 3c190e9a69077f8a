// What a worker runs before it serves: the host's `worker.bootstrap`, the
// task modules its table names, and the guards task code runs under.
import { core } from "ext:core/mod.js";
import { taskNow } from "ext:deno_knitting/00_values.js";
import { L } from "ext:deno_knitting/01_lane.js";

export const TASK_BRAND = Symbol.for("task");

/** `worker.bootstrap`: its export, awaited before any task module loads; a
 *  throw fails the worker's start-up ("Worker startup failed: …"). */
export async function runBootstrap({ url, name, data }, thread, totalNumberOfThread, log) {
  const namespace = await import(url);
  const fn = namespace[name];
  if (typeof fn !== "function") {
    throw new TypeError(`worker.bootstrap: ${url} has no exported function "${name}"`);
  }
  await fn(data, { thread, totalNumberOfThread, runtime: "knit" });
  log?.("imports", `bootstrap ${name} from ${url} done`);
}

export async function loadTasks(table, log) {
  const modules = new Map();
  const fns = [];
  const globalsBefore = log ? new Set(Reflect.ownKeys(globalThis)) : null;
  for (const entry of table) {
    let namespace = modules.get(entry.url);
    if (namespace === undefined) {
      namespace = await import(entry.url);
      modules.set(entry.url, namespace);
    }
    fns.push(findTask(namespace, entry));
  }
  if (log) {
    log("imports", `${fns.length} tasks from ${[...modules.keys()].join(", ")}`);
    const added = Reflect.ownKeys(globalThis)
      .filter((key) => !globalsBefore.has(key))
      .map(String);
    log("globals", added.length === 0 ? "task modules added no globals" : `task modules added ${added.join(", ")}`);
  }
  return fns;
}

function findTask(namespace, { key, url, at }) {
  if (at === undefined || at === null) {
    const fn = namespace[key];
    if (typeof fn !== "function") {
      throw new TypeError(
        `createPool task "${key}": ${url} has no exported function named "${key}" ` +
          `(a plain function must be exported under the same name as its pool key)`,
      );
    }
    return fn;
  }
  for (const value of Object.values(namespace)) {
    if (value?.[TASK_BRAND] === true && value.importedFrom === url && value.at === at) return value.f;
  }
  throw new TypeError(
    `createPool task "${key}" was not found among the exports of ${url}: ` +
      `workers import that module, so the task must be exported (export const ${key} = task({ ... }))`,
  );
}

/**
 * The `{ hasAborted, now }` toolkit an abort-aware task gets as its second argument.
 * @param {Int32Array} i32
 */
export function abortToolkit(i32, signal) {
  const word = L.abortBitmap + (signal >> 5);
  const bit = 1 << (signal & 31);
  return {
    hasAborted: () => (Atomics.load(i32, word) & bit) !== 0,
    now: taskNow,
  };
}

const EXIT_GUARD = "KNT_ERROR_PROCESS_GUARD: Deno.exit is disabled in worker tasks (return or throw instead)";

// Before any task module runs: exiting the process from a task
// throws instead, the lanes' ops are out of reach (this module holds its
// own references), and with `console: false` task output goes nowhere.
export function guardWorker(consoleShown) {
  try {
    core.loadExtScript("ext:deno_os/30_os.js").setExitHandler(() => {
      throw new Error(EXIT_GUARD);
    });
  } catch {
    // A runtime without deno_os has no Deno.exit to guard.
  }
  for (const name of Object.keys(core.ops)) {
    if (name.startsWith("op_knitting_")) delete core.ops[name];
  }
  if (!consoleShown && globalThis.console) {
    const silent = () => {};
    const quiet = Object.create(null);
    for (const key of Object.getOwnPropertyNames(globalThis.console)) {
      quiet[key] = typeof globalThis.console[key] === "function" ? silent : globalThis.console[key];
    }
    for (const key of [
      "log",
      "info",
      "warn",
      "error",
      "debug",
      "trace",
      "dir",
      "dirxml",
      "table",
      "group",
      "groupEnd",
    ]) {
      quiet[key] = silent;
    }
    Object.defineProperty(globalThis, "console", { value: quiet, writable: true, configurable: true });
  }
}
