//! The module loader for `knit` and its pool workers: files and `data:`
//! URLs, TypeScript transpiled by deno_ast with source maps, and the Knitting
//! API under every name users import it by.

use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::HashMap;
use std::collections::HashSet;
use std::rc::Rc;
use std::sync::Arc;

use deno_ast::MediaType;
use deno_core::error::ModuleLoaderError;
use deno_core::resolve_import;
use deno_core::ModuleLoadOptions;
use deno_core::ModuleLoadReferrer;
use deno_core::ModuleLoadResponse;
use deno_core::ModuleLoader;
use deno_core::ModuleSource;
use deno_core::ModuleSourceCode;
use deno_core::ModuleSpecifier;
use deno_core::ModuleType;
use deno_core::ResolutionKind;
use deno_error::JsErrorBox;
use deno_runtime::deno_permissions::CheckSpecifierKind;
use deno_runtime::deno_permissions::PermissionsContainer;

use crate::prepare::prepare;
use crate::prepare::Prepared;

/// Specifiers that all name the Knitting API module.
pub const API_SPECIFIERS: &[&str] = &["knitting", "@vixeny/knitting", "jsr:@vixeny/knitting", "npm:knitting"];
/// The one URL they resolve to, so every importer shares one module instance.
pub const API_URL: &str = "knit:knitting";
/// The entry module of a pool worker.
pub const WORKER_URL: &str = "knit:worker";

// User code may not import `ext:` modules, so these two facades reach the
// extension through names it installs on globalThis at start-up; the worker
// entry deletes its own name before any task module runs.
const API_SOURCE: &str = r#"const api = globalThis[Symbol.for("knitting.api")];
export const {
  createPool, task, isMain, importTask, setModuleUrl, Envelope, NumericArray, isNumericArray,
  PoolClosedError, WorkerCrashedError, TaskTimeoutError, HardTimeoutError, AbortSignalPoolExhaustedError,
} = api;
export default api;
"#;
const WORKER_SOURCE: &str = r#"await globalThis[Symbol.for("knitting.workerMain")]();"#;

#[derive(Default)]
pub struct KnitModuleLoader {
  /// What this runtime loaded that has a source map.
  source_maps: RefCell<HashMap<String, Arc<Prepared>>>,
  /// Dynamic imports are checked against these (static ones are not, as in
  /// Deno); `None` checks nothing.
  permissions: Option<PermissionsContainer>,
  /// Loaded without a check: modules the runtime itself imports dynamically
  /// (a pool's task modules), and the static imports of every module that
  /// was loaded. deno_core resolves a dynamically imported module's static
  /// imports as dynamic ones too, so without this a task module could not
  /// import its own helpers under a strict policy.
  trusted: RefCell<HashSet<ModuleSpecifier>>,
}

impl KnitModuleLoader {
  pub fn new(permissions: Option<PermissionsContainer>, trusted: Vec<ModuleSpecifier>) -> Rc<Self> {
    Rc::new(Self {
      source_maps: Default::default(),
      permissions,
      trusted: RefCell::new(trusted.into_iter().collect()),
    })
  }

  /// A dynamic `import()` needs read access (files) or import access
  /// (remote hosts), like `deno run`; a denial is Deno's NotCapable error.
  fn check_dynamic(&self, specifier: &ModuleSpecifier) -> Result<(), ModuleLoaderError> {
    match &self.permissions {
      Some(permissions) if !self.trusted.borrow().contains(specifier) => permissions
        .check_specifier(specifier, CheckSpecifierKind::Dynamic)
        .map_err(JsErrorBox::from_err),
      _ => Ok(()),
    }
  }

  fn load_file(&self, specifier: &ModuleSpecifier) -> Result<ModuleSource, ModuleLoaderError> {
    let path = specifier.to_file_path().map_err(|_| {
      JsErrorBox::generic(format!(
        "Cannot load {specifier}: knit loads file: modules only (remote modules are not supported yet)"
      ))
    })?;
    let media_type = MediaType::from_path(&path);
    let module_type = match media_type {
      MediaType::JavaScript
      | MediaType::Mjs
      | MediaType::Cjs
      | MediaType::Jsx
      | MediaType::TypeScript
      | MediaType::Mts
      | MediaType::Cts
      | MediaType::Dts
      | MediaType::Dmts
      | MediaType::Dcts
      | MediaType::Tsx => ModuleType::JavaScript,
      MediaType::Json => ModuleType::Json,
      _ => {
        return Err(JsErrorBox::generic(format!(
          "Cannot load {specifier}: unknown file type"
        )))
      }
    };
    let code = std::fs::read_to_string(&path)
      .map_err(|e| JsErrorBox::generic(format!("Cannot load module {}: {e}", path.display())))?;
    let code = if module_type == ModuleType::Json {
      code
    } else {
      let prepared = prepare(specifier, code, media_type)?;
      self.trusted.borrow_mut().extend(
        prepared
          .static_imports
          .iter()
          .filter_map(|import| resolve_import(import, specifier.as_str()).ok()),
      );
      let code = prepared.code.clone();
      if prepared.source_map.is_some() {
        self.source_maps.borrow_mut().insert(specifier.to_string(), prepared);
      }
      code
    };
    Ok(ModuleSource::new(
      module_type,
      ModuleSourceCode::String(code.into()),
      specifier,
      None,
    ))
  }
}

fn synthetic(source: &'static str, specifier: &ModuleSpecifier) -> ModuleSource {
  ModuleSource::new(
    ModuleType::JavaScript,
    ModuleSourceCode::String(source.to_string().into()),
    specifier,
    None,
  )
}

impl ModuleLoader for KnitModuleLoader {
  fn resolve(
    &self,
    specifier: &str,
    referrer: &str,
    kind: ResolutionKind,
  ) -> Result<ModuleSpecifier, ModuleLoaderError> {
    if API_SPECIFIERS.contains(&specifier) || specifier == API_URL {
      // The program uses pools: start making worker runtimes now (if armed).
      crate::prewarm::fire();
      return Ok(ModuleSpecifier::parse(API_URL).unwrap());
    }
    let resolved = resolve_import(specifier, referrer).map_err(JsErrorBox::from_err)?;
    // Checked when resolving, so a denial reaches `import()` as NotCapable.
    if kind == ResolutionKind::DynamicImport {
      self.check_dynamic(&resolved)?;
    }
    Ok(resolved)
  }

  fn load(
    &self,
    specifier: &ModuleSpecifier,
    _referrer: Option<&ModuleLoadReferrer>,
    _options: ModuleLoadOptions,
  ) -> ModuleLoadResponse {
    ModuleLoadResponse::Sync(match specifier.as_str() {
      API_URL => Ok(synthetic(API_SOURCE, specifier)),
      WORKER_URL => Ok(synthetic(WORKER_SOURCE, specifier)),
      _ => self.load_file(specifier),
    })
  }

  fn get_source_map(&self, specifier: &str) -> Option<Cow<'_, [u8]>> {
    self
      .source_maps
      .borrow()
      .get(specifier)
      .and_then(|transpiled| transpiled.source_map.clone())
      .map(Cow::Owned)
  }
}

#[cfg(test)]
mod tests {
  use super::*;

  #[test]
  fn every_api_name_resolves_to_one_module() {
    let loader = KnitModuleLoader::default();
    for name in API_SPECIFIERS {
      let url = loader
        .resolve(name, "file:///app/main.ts", ResolutionKind::Import)
        .unwrap();
      assert_eq!(url.as_str(), API_URL);
    }
    let relative = loader
      .resolve("./tasks.ts", "file:///app/main.ts", ResolutionKind::Import)
      .unwrap();
    assert_eq!(relative.as_str(), "file:///app/tasks.ts");
  }
}
