//! The module loader for `knit`, its pool workers and Web Workers: modules
//! found as `deno run` finds them (see `resolution.rs`), TypeScript and JSX
//! compiled by deno_ast with source maps, CommonJS wrapped by Deno's CJS
//! translator and run by deno_node's `require` (this loader is also that
//! `require`'s file reader), JSON and Wasm modules, and the Knitting API under
//! every name users import it by.

use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::HashMap;
use std::collections::HashSet;
use std::path::Path;
use std::rc::Rc;
use std::sync::Arc;

use deno_ast::MediaType;
use deno_core::error::ModuleLoaderError;
use deno_core::FastString;
use deno_core::ModuleLoadOptions;
use deno_core::ModuleLoadReferrer;
use deno_core::ModuleLoadResponse;
use deno_core::ModuleLoader;
use deno_core::ModuleSource;
use deno_core::ModuleSourceCode;
use deno_core::ModuleSpecifier;
use deno_core::ModuleType;
use deno_core::RequestedModuleType;
use deno_core::ResolutionKind;
use deno_error::JsErrorBox;
use deno_runtime::deno_node::NodeRequireLoader;
use deno_runtime::deno_permissions::CheckSpecifierKind;
use deno_runtime::deno_permissions::OpenAccessKind;
use deno_runtime::deno_permissions::PermissionsContainer;
use node_resolver::analyze::CjsAnalysisSourceProvider;
use node_resolver::errors::PackageJsonLoadError;

use deno_knitting::modules;

use crate::prepare::prepare;
use crate::prepare::Prepared;
use crate::resolution::Resolution;

/// Which runtime a loader serves; it decides which modules load unchecked.
pub enum LoaderRole {
  /// The host's main runtime, i.e. the program: its main module and what
  /// that imports statically load unchecked (as in `deno run`).
  Program,
  /// A pool worker: the pool's task modules (which the worker imports
  /// itself) and what they import statically are the program's code and
  /// load unchecked; nothing else does.
  PoolWorker(Vec<ModuleSpecifier>),
  /// A Web Worker: nothing loads unchecked, its main module included (task
  /// code may start one).
  WebWorker,
}

pub struct KnitModuleLoader {
  resolution: Arc<Resolution>,
  /// What this runtime loaded that has a source map.
  source_maps: RefCell<HashMap<String, Arc<Prepared>>>,
  /// What loading a module needs (read access for files, import access for
  /// remote hosts), like a dynamic import in `deno run`; `None` checks
  /// nothing.
  permissions: Option<PermissionsContainer>,
  role: LoaderRole,
  /// The program's code, which loads unchecked: the main module of the
  /// program or the task modules of a pool, and, transitively, the static
  /// imports of a trusted module. A static import of a module that was
  /// checked is checked too: a task that writes `x.js` importing a file
  /// outside the policy and imports `x.js` must not get that file (deno_core
  /// resolves the static imports of a dynamic import as dynamic ones).
  trusted: RefCell<HashSet<ModuleSpecifier>>,
}

impl KnitModuleLoader {
  pub fn new(resolution: Arc<Resolution>, permissions: Option<PermissionsContainer>, role: LoaderRole) -> Rc<Self> {
    let trusted = match &role {
      LoaderRole::PoolWorker(task_modules) => task_modules.iter().cloned().collect(),
      _ => HashSet::new(),
    };
    Rc::new(Self {
      resolution,
      source_maps: Default::default(),
      permissions,
      role,
      trusted: RefCell::new(trusted),
    })
  }

  /// Whether loading `specifier` (resolved as `kind`) needs a check. The
  /// program's main graph is not checked (as in `deno run`); in workers
  /// every module outside the program's code is. Node built-ins and
  /// installed packages (files in `node_modules`, which task code may not
  /// write) are never checked, as in Deno.
  fn needs_check(&self, specifier: &ModuleSpecifier, kind: ResolutionKind) -> bool {
    let exempt = matches!(specifier.scheme(), "node" | "knit") || self.resolution.in_npm_package(specifier);
    let asked = match self.role {
      LoaderRole::Program => kind == ResolutionKind::DynamicImport,
      LoaderRole::PoolWorker(_) | LoaderRole::WebWorker => true,
    };
    asked && !exempt && !self.trusted.borrow().contains(specifier)
  }

  /// The check itself: read access to the file (judged by where its
  /// symlinks lead) or import access to a remote host; a denial is Deno's
  /// NotCapable error.
  fn check(&self, specifier: &ModuleSpecifier) -> Result<(), ModuleLoaderError> {
    let Some(permissions) = &self.permissions else {
      return Ok(());
    };
    // Where a symlink leads is checked too (once: most paths have none).
    let real = match specifier.to_file_path() {
      Ok(path) => deno_path_util::url_from_file_path(&knitting_permissions::canonical(&path))
        .ok()
        .filter(|real| real != specifier),
      Err(_) => None,
    };
    for url in std::iter::once(specifier).chain(real.as_ref()) {
      permissions
        .check_specifier(url, CheckSpecifierKind::Dynamic)
        .map_err(JsErrorBox::from_err)?;
    }
    Ok(())
  }

  fn load_file(
    &self,
    specifier: &ModuleSpecifier,
    requested: &RequestedModuleType,
  ) -> Result<Loaded, ModuleLoaderError> {
    let path = specifier
      .to_file_path()
      .map_err(|_| JsErrorBox::generic(format!("Cannot load {specifier}: not a file")))?;
    if matches!(self.role, LoaderRole::Program) {
      self.resolution.program_files.insert(path.clone());
    }
    let media_type = MediaType::from_path(&path);
    let read_error = |e: std::io::Error| JsErrorBox::generic(format!("Cannot load module {}: {e}", path.display()));
    match (media_type, requested) {
      (MediaType::Json, RequestedModuleType::Json) => {
        let code = std::fs::read_to_string(&path).map_err(read_error)?;
        return Ok(Loaded::Ready(source(ModuleType::Json, code.into(), specifier)));
      }
      (MediaType::Json, _) => {
        return Err(JsErrorBox::type_error(format!(
          "Attempted to load JSON module without specifying \"type\": \"json\" attribute in the import \
           statement: write `import data from \"{specifier}\" with {{ type: \"json\" }}`"
        )))
      }
      (_, RequestedModuleType::Json) => {
        return Err(JsErrorBox::type_error(format!(
          "{specifier} was imported with {{ type: \"json\" }} but is not a .json file"
        )))
      }
      (MediaType::Wasm, _) => {
        let bytes = std::fs::read(&path).map_err(read_error)?;
        return Ok(Loaded::Ready(ModuleSource::new(
          ModuleType::Wasm,
          ModuleSourceCode::Bytes(bytes.into_boxed_slice().into()),
          specifier,
          None,
        )));
      }
      (
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
        | MediaType::Tsx,
        _,
      ) => {}
      _ => {
        return Err(JsErrorBox::type_error(format!(
          "Cannot load {specifier}: unknown file type (knit loads JavaScript, TypeScript, JSX, JSON and Wasm)"
        )))
      }
    }
    let code = std::fs::read_to_string(&path).map_err(read_error)?;
    let prepared = prepare(&self.resolution, specifier, code, media_type)?;
    if self.trusted.borrow().contains(specifier) {
      for import in &prepared.static_imports {
        if let Ok(resolved) = self.resolution.resolve(import, specifier) {
          self.trusted.borrow_mut().insert(resolved);
        }
      }
    }
    if prepared.source_map.is_some() {
      self
        .source_maps
        .borrow_mut()
        .insert(specifier.to_string(), prepared.clone());
    }
    if prepared.is_cjs {
      return Ok(Loaded::Cjs(prepared));
    }
    Ok(Loaded::Ready(source(
      ModuleType::JavaScript,
      prepared.code.clone().into(),
      specifier,
    )))
  }
}

/// A user file, ready or needing the CommonJS wrapper (which is async).
enum Loaded {
  Ready(ModuleSource),
  Cjs(Arc<Prepared>),
}

fn source(module_type: ModuleType, code: FastString, specifier: &ModuleSpecifier) -> ModuleSource {
  ModuleSource::new(module_type, ModuleSourceCode::String(code), specifier, None)
}

impl ModuleLoader for KnitModuleLoader {
  fn resolve(
    &self,
    specifier: &str,
    referrer: &str,
    kind: ResolutionKind,
  ) -> Result<ModuleSpecifier, ModuleLoaderError> {
    if let Some(url) = modules::resolve(specifier) {
      if url.as_str() == modules::API_URL {
        // The program uses pools: start making worker runtimes now (if armed).
        crate::prewarm::fire();
      }
      return Ok(url);
    }
    let resolved = match ModuleSpecifier::parse(specifier) {
      // The main module, a worker's entry, and URLs of our own schemes are
      // taken as they are (a main module inside node_modules is not mapped
      // again, as in Deno).
      Ok(url) if kind == ResolutionKind::MainModule || matches!(url.scheme(), "knit" | "data" | "blob") => url,
      _ => {
        let referrer = match ModuleSpecifier::parse(referrer) {
          Ok(url) => url,
          // "." (and anything else that is no URL) means the working directory.
          Err(_) => deno_path_util::url_from_directory_path(&std::env::current_dir().map_err(JsErrorBox::from_err)?)
            .map_err(JsErrorBox::from_err)?,
        };
        self.resolution.resolve(specifier, &referrer)?
      }
    };
    if kind == ResolutionKind::MainModule && matches!(self.role, LoaderRole::Program) {
      self.trusted.borrow_mut().insert(resolved.clone());
    }
    // Schemes knit never loads get their own explanation, not a permission
    // error about an odd URL.
    if matches!(resolved.scheme(), "ext" | "jsr" | "npm") {
      return self.resolution.loadable(resolved, referrer);
    }
    // Checked when resolving, so a denial reaches `import()` as NotCapable
    // (before any other complaint about the module).
    if self.needs_check(&resolved, kind) {
      self.check(&resolved)?;
    }
    self.resolution.loadable(resolved, referrer)
  }

  /// `import.meta.resolve` only computes a URL; nothing is read, so nothing
  /// is checked (the default would treat it as a dynamic import).
  fn import_meta_resolve(&self, specifier: &str, referrer: &str) -> Result<ModuleSpecifier, ModuleLoaderError> {
    self.resolve(specifier, referrer, ResolutionKind::Import)
  }

  fn load(
    &self,
    specifier: &ModuleSpecifier,
    referrer: Option<&ModuleLoadReferrer>,
    options: ModuleLoadOptions,
  ) -> ModuleLoadResponse {
    match specifier.scheme() {
      "knit" => ModuleLoadResponse::Sync(
        modules::load(specifier)
          .ok_or_else(|| JsErrorBox::generic(format!("Cannot load {specifier}: no such knit module"))),
      ),
      "file" if self.resolution.in_npm_package(specifier) => self.load_npm(
        specifier,
        referrer.map(|r| r.specifier.clone()),
        options.requested_module_type,
      ),
      "file" => match self.load_file(specifier, &options.requested_module_type) {
        Ok(Loaded::Ready(module)) => ModuleLoadResponse::Sync(Ok(module)),
        Ok(Loaded::Cjs(prepared)) => self.load_cjs(specifier, prepared),
        Err(error) => ModuleLoadResponse::Sync(Err(error)),
      },
      _ => ModuleLoadResponse::Sync(Err(JsErrorBox::generic(format!(
        "Cannot load {specifier}: knit loads file: modules"
      )))),
    }
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

impl KnitModuleLoader {
  /// A file of an installed package, through Deno's npm module loader (it
  /// refuses TypeScript in node_modules and wraps CommonJS).
  fn load_npm(
    &self,
    specifier: &ModuleSpecifier,
    referrer: Option<ModuleSpecifier>,
    requested: RequestedModuleType,
  ) -> ModuleLoadResponse {
    let resolution = self.resolution.clone();
    let reader = self.source_reader();
    let specifier = specifier.clone();
    ModuleLoadResponse::Async(Box::pin(async move {
      let requested_type = match &requested {
        RequestedModuleType::None => deno_resolver::loader::RequestedModuleType::None,
        RequestedModuleType::Json => deno_resolver::loader::RequestedModuleType::Json,
        RequestedModuleType::Text => deno_resolver::loader::RequestedModuleType::Text,
        RequestedModuleType::Bytes => deno_resolver::loader::RequestedModuleType::Bytes,
        RequestedModuleType::Other(other) => deno_resolver::loader::RequestedModuleType::Other(other),
      };
      let loaded = resolution
        .npm_module_loader
        .load(
          Cow::Borrowed(&specifier),
          referrer.as_ref(),
          &requested_type,
          Some(&reader),
        )
        .await
        .map_err(JsErrorBox::from_err)?;
      let module_type = match (&requested, loaded.media_type) {
        (RequestedModuleType::Json, _) | (_, MediaType::Json) => ModuleType::Json,
        (_, MediaType::Wasm) => ModuleType::Wasm,
        _ => ModuleType::JavaScript,
      };
      let code = match loaded.source {
        deno_resolver::loader::LoadedModuleSource::ArcStr(text) => ModuleSourceCode::String(text.to_string().into()),
        deno_resolver::loader::LoadedModuleSource::String(text) => ModuleSourceCode::String(text.into_owned().into()),
        deno_resolver::loader::LoadedModuleSource::ArcBytes(bytes) => {
          ModuleSourceCode::Bytes(bytes.to_vec().into_boxed_slice().into())
        }
        deno_resolver::loader::LoadedModuleSource::Bytes(bytes) => {
          ModuleSourceCode::Bytes(bytes.into_owned().into_boxed_slice().into())
        }
      };
      Ok(ModuleSource::new_with_redirect(
        module_type,
        code,
        &specifier,
        &loaded.specifier,
        None,
      ))
    }))
  }

  /// A CommonJS user file: the ES module Deno's translator writes for it
  /// (its exports found by Deno's CJS analysis; its body run by `require`).
  fn load_cjs(&self, specifier: &ModuleSpecifier, prepared: Arc<Prepared>) -> ModuleLoadResponse {
    let resolution = self.resolution.clone();
    let reader = self.source_reader();
    let specifier = specifier.clone();
    ModuleLoadResponse::Async(Box::pin(async move {
      let wrapper = resolution
        .cjs_translator
        .translate_cjs_to_esm_with_source_provider(&specifier, Some(Cow::Borrowed(&prepared.code)), Some(&reader))
        .await
        .map_err(JsErrorBox::from_err)?;
      Ok(source(ModuleType::JavaScript, wrapper.into_owned().into(), &specifier))
    }))
  }

  fn source_reader(&self) -> SourceReader {
    SourceReader {
      resolution: self.resolution.clone(),
      permissions: self
        .permissions
        .as_ref()
        .map(PermissionsContainer::deep_clone_without_prompt),
    }
  }
}

/// Reads the files Deno's CJS analysis follows (`module.exports =
/// require("./other")`), under the same read rule as `require`.
struct SourceReader {
  resolution: Arc<Resolution>,
  permissions: Option<PermissionsContainer>,
}

impl CjsAnalysisSourceProvider for SourceReader {
  fn load_source<'a>(&'a self, specifier: &ModuleSpecifier) -> Option<Cow<'a, str>> {
    let path = specifier.to_file_path().ok()?;
    let path = match &self.permissions {
      Some(permissions) => read_permitted(permissions, Cow::Owned(path)).ok()?.into_owned(),
      None => path,
    };
    let code = std::fs::read_to_string(&path).ok()?;
    let media_type = MediaType::from_path(&path);
    if self.resolution.in_npm_package(specifier) || !media_type.is_emittable() {
      return Some(Cow::Owned(code));
    }
    // User TypeScript: analyse what `require` will run.
    let prepared = prepare(&self.resolution, specifier, code, media_type).ok()?;
    Some(Cow::Owned(prepared.code.clone()))
  }
}

/// Deno's rule for what `require()` may read: everything with full read
/// access; else a file inside `node_modules` (installed code, after `..`
/// is collapsed); else what the permissions allow.
fn read_permitted<'a>(permissions: &PermissionsContainer, path: Cow<'a, Path>) -> Result<Cow<'a, Path>, JsErrorBox> {
  if permissions.query_read_all() {
    return Ok(path);
  }
  let path = deno_path_util::normalize_path(path);
  if path.components().any(|c| c.as_os_str() == "node_modules") {
    return Ok(path);
  }
  permissions
    .check_open(path, OpenAccessKind::Read, None)
    .map(|checked| checked.into_path())
    .map_err(JsErrorBox::from_err)
}

/// deno_node's `require()` reads files through this.
impl NodeRequireLoader for KnitModuleLoader {
  fn ensure_read_permission<'a>(
    &self,
    permissions: &mut PermissionsContainer,
    path: Cow<'a, Path>,
  ) -> Result<Cow<'a, Path>, JsErrorBox> {
    // A file this runtime loaded as a module may be required too.
    if let Ok(url) = deno_path_util::url_from_file_path(&path) {
      if self.trusted.borrow().contains(&url) || self.source_maps.borrow().contains_key(url.as_str()) {
        return Ok(path);
      }
    }
    read_permitted(permissions, path)
  }

  fn load_text_file_lossy(&self, path: &Path) -> Result<FastString, JsErrorBox> {
    let bytes = std::fs::read(path).map_err(JsErrorBox::from_err)?;
    let text = String::from_utf8_lossy(&bytes).into_owned();
    let media_type = MediaType::from_path(path);
    if !media_type.is_emittable() {
      return Ok(text.into());
    }
    let specifier = deno_path_util::url_from_file_path(path).map_err(JsErrorBox::from_err)?;
    if self.resolution.in_npm_package(&specifier) {
      return Err(JsErrorBox::type_error(format!(
        "Cannot require {specifier}: TypeScript files inside node_modules are not compiled (as in Deno and Node)"
      )));
    }
    // User TypeScript required as CommonJS.
    let prepared = prepare(&self.resolution, &specifier, text, media_type)?;
    if prepared.source_map.is_some() {
      self
        .source_maps
        .borrow_mut()
        .insert(specifier.to_string(), prepared.clone());
    }
    Ok(prepared.code.clone().into())
  }

  fn is_maybe_cjs(&self, specifier: &ModuleSpecifier) -> Result<bool, PackageJsonLoadError> {
    self
      .resolution
      .cjs_tracker
      .is_maybe_cjs(specifier, MediaType::from_specifier(specifier))
  }

  fn is_maybe_cjs_from_require(&self, specifier: &ModuleSpecifier) -> Result<bool, PackageJsonLoadError> {
    self
      .resolution
      .cjs_tracker
      .is_maybe_cjs_from_require(specifier, MediaType::from_specifier(specifier))
  }
}

#[cfg(test)]
mod tests {
  use super::*;
  use crate::resolution::ResolutionOptions;

  #[test]
  fn every_api_name_resolves_to_one_module() {
    let resolution = Resolution::new(ResolutionOptions {
      cwd: std::env::temp_dir(),
      ..Default::default()
    })
    .unwrap();
    let loader = KnitModuleLoader::new(resolution, None, LoaderRole::Program);
    for name in modules::API_SPECIFIERS {
      let url = loader
        .resolve(name, "file:///app/main.ts", ResolutionKind::Import)
        .unwrap();
      assert_eq!(url.as_str(), modules::API_URL);
    }
    for name in modules::UTILS_SPECIFIERS {
      let url = loader
        .resolve(name, "file:///app/main.ts", ResolutionKind::Import)
        .unwrap();
      assert_eq!(url.as_str(), modules::UTILS_URL);
    }
    let relative = loader
      .resolve("./tasks.ts", "file:///app/main.ts", ResolutionKind::Import)
      .unwrap();
    assert_eq!(relative.as_str(), "file:///app/tasks.ts");
  }
}
