//! The modules a runtime with Knitting serves besides the program's own:
//! the API under every name users import it by, the original's
//! `knitting/utils` helpers, and the pool worker's entry. A module loader
//! maps the names with [`resolve`] and serves the URLs with [`load`].

use deno_core::FastString;
use deno_core::ModuleSource;
use deno_core::ModuleSourceCode;
use deno_core::ModuleSpecifier;
use deno_core::ModuleType;

/// Specifiers that all name the Knitting API module.
pub const API_SPECIFIERS: &[&str] = &["knitting", "@vixeny/knitting", "jsr:@vixeny/knitting", "npm:knitting"];
/// The one URL they resolve to, so every importer shares one module instance.
pub const API_URL: &str = "knit:knitting";
/// Specifiers of the original's `knitting/utils` helpers, and their URL.
pub const UTILS_SPECIFIERS: &[&str] = &[
  "knitting/utils",
  "@vixeny/knitting/utils",
  "jsr:@vixeny/knitting/utils",
  "npm:knitting/utils",
];
pub const UTILS_URL: &str = "knit:knitting/utils";
/// The entry module of a pool worker.
pub const WORKER_URL: &str = "knit:worker";

// User code may not import `ext:` modules, so these two facades reach the
// extension through names it installs on globalThis at start-up
// (js/99_api.js); the worker entry deletes its own name before any task
// module runs. The export list is the `api` object's (checked by a test).
const API_SOURCE: &str = r#"const api = globalThis[Symbol.for("knitting.api")];
export const {
  createPool, task, isMain, importTask, setModuleUrl, Envelope, NumericArray, isNumericArray,
  PoolClosedError, WorkerCrashedError, TaskTimeoutError, HardTimeoutError, AbortSignalPoolExhaustedError,
} = api;
export default api;
"#;
const UTILS_SOURCE: &str = include_str!("../../js/utils.js");
const WORKER_SOURCE: &str = r#"await globalThis[Symbol.for("knitting.workerMain")]();"#;

/// The URL a Knitting specifier names (`"knitting"`, `"knitting/utils"`,
/// their aliases, and the URLs themselves); None for any other specifier.
pub fn resolve(specifier: &str) -> Option<ModuleSpecifier> {
  let url = if API_SPECIFIERS.contains(&specifier) || specifier == API_URL {
    API_URL
  } else if UTILS_SPECIFIERS.contains(&specifier) || specifier == UTILS_URL {
    UTILS_URL
  } else if specifier == WORKER_URL {
    WORKER_URL
  } else {
    return None;
  };
  Some(ModuleSpecifier::parse(url).expect("a valid URL"))
}

/// The module at a `knit:` URL; None for a URL that names none.
pub fn load(specifier: &ModuleSpecifier) -> Option<ModuleSource> {
  let code = match specifier.as_str() {
    API_URL => API_SOURCE,
    UTILS_URL => UTILS_SOURCE,
    WORKER_URL => WORKER_SOURCE,
    _ => return None,
  };
  Some(ModuleSource::new(
    ModuleType::JavaScript,
    ModuleSourceCode::String(FastString::from_static(code)),
    specifier,
    None,
  ))
}

#[cfg(test)]
mod tests {
  use super::*;

  /// The names between `open` and the next `}` of `source`, one per comma
  /// (a getter `get isMain() {` counts as `isMain`).
  fn names_after(source: &str, open: &str) -> Vec<String> {
    let start = source.find(open).unwrap_or_else(|| panic!("{open:?} not found")) + open.len();
    let mut names = Vec::new();
    for entry in source[start..].split(',') {
      let entry = entry.trim();
      let (entry, last) = match entry.find('}') {
        Some(end) if !entry.starts_with("get ") => (&entry[..end], true),
        _ => (entry, false),
      };
      let name = entry
        .trim_start_matches("get ")
        .split(['(', ':'])
        .next()
        .unwrap()
        .trim();
      if !name.is_empty() {
        names.push(name.to_string());
      }
      if last {
        break;
      }
    }
    names.sort();
    names
  }

  #[test]
  fn the_facade_exports_what_the_api_object_holds() {
    let api = names_after(include_str!("../../js/99_api.js"), "const api = Object.freeze({");
    let facade = names_after(API_SOURCE, "export const {");
    assert!(api.contains(&"createPool".to_string()) && api.contains(&"isMain".to_string()));
    assert_eq!(
      facade, api,
      "the facade in modules.rs and the api object in js/99_api.js"
    );
  }

  #[test]
  fn every_name_resolves_to_one_module() {
    for name in API_SPECIFIERS.iter().chain([&API_URL]) {
      assert_eq!(resolve(name).unwrap().as_str(), API_URL);
    }
    for name in UTILS_SPECIFIERS.iter().chain([&UTILS_URL]) {
      assert_eq!(resolve(name).unwrap().as_str(), UTILS_URL);
    }
    assert_eq!(resolve(WORKER_URL).unwrap().as_str(), WORKER_URL);
    assert!(resolve("./knitting").is_none() && resolve("knit:other").is_none());
    assert!(load(&resolve("knitting").unwrap()).is_some());
    assert!(load(&ModuleSpecifier::parse("knit:other").unwrap()).is_none());
  }
}
