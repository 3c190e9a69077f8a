//! How modules are found, as `deno run` finds them with a local
//! `node_modules` installed by npm (Deno's "bring your own node_modules"):
//! `deno.json`/`package.json` discovered from the main module's directory up,
//! import maps (`imports`, `scopes`, `--import-map`), bare specifiers and
//! `npm:` specifiers through `node_modules`, Node built-ins, `#imports`,
//! and which files are CommonJS. Built once per process from Deno's own
//! crates (deno_config, deno_resolver, node_resolver) and shared by the host
//! and every pool worker and Web Worker, so all of them resolve alike.
//!
//! Nothing here touches the network, Deno's global cache or a lockfile:
//! `nodeModulesDir` is always `"manual"`. `jsr:` and remote specifiers are
//! refused with an error that says what to do instead.

use std::collections::HashMap;
use std::hash::BuildHasher;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::Mutex;

use deno_ast::MediaType;
use deno_config::deno_json::NodeModulesDirMode;
use deno_core::ModuleSpecifier;
use deno_error::JsErrorBox;
use deno_resolver::cjs::analyzer::DenoCjsAnalysis;
use deno_resolver::cjs::analyzer::NodeAnalysisCache;
use deno_resolver::cjs::analyzer::NodeAnalysisCacheSourceHash;
use deno_resolver::cjs::CjsTrackerRc;
use deno_resolver::cjs::IsCjsResolutionMode;
use deno_resolver::deno_json::CompilerOptionsResolverRc;
use deno_resolver::factory::ConfigDiscoveryOption;
use deno_resolver::factory::DenoNodeCodeTranslatorRc;
use deno_resolver::factory::ResolverFactory;
use deno_resolver::factory::ResolverFactoryOptions;
use deno_resolver::factory::SpecifiedImportMapProvider;
use deno_resolver::factory::WorkspaceFactory;
use deno_resolver::factory::WorkspaceFactoryOptions;
use deno_resolver::loader::DenoNpmModuleLoaderRc;
use deno_resolver::workspace::SpecifiedImportMap;
use deno_resolver::DefaultRawDenoResolverRc;
use deno_resolver::DenoResolveError;
use deno_resolver::DenoResolveErrorKind;
use deno_runtime::deno_node::NodeResolverRc;
use knitting_permissions::ProgramFiles;
use node_resolver::cache::NodeResolutionThreadLocalCache;
use node_resolver::InNpmPackageChecker;
use node_resolver::NodeResolutionKind;
use node_resolver::PackageJsonResolverRc;
use node_resolver::PackageJsonThreadLocalCache;
use node_resolver::ResolutionMode;

use crate::services::NpmChecker;
use crate::services::NpmResolver;
use crate::services::Sys;

/// Where to look for configuration, as `deno run`'s flags say it.
#[derive(Debug, Default, Clone)]
pub struct ResolutionOptions {
  /// The process's working directory (`node_modules` next to it is the
  /// fallback when no `deno.json` or `package.json` is found).
  pub cwd: PathBuf,
  /// Where discovery of `deno.json`/`package.json` starts: the main
  /// module's directory. `None` starts at `cwd`.
  pub start_dir: Option<PathBuf>,
  /// `--config`: this `deno.json` and no discovery.
  pub config: Option<PathBuf>,
  /// `--import-map`: this file instead of the config's `imports`/`scopes`.
  pub import_map: Option<PathBuf>,
}

/// The resolution chain of one program, shared by all its runtimes.
pub struct Resolution {
  resolver: DefaultRawDenoResolverRc<Sys>,
  pub(crate) in_npm_package: NpmChecker,
  pub(crate) node_resolver: NodeResolverRc<NpmChecker, NpmResolver, Sys>,
  pub(crate) pkg_json_resolver: PackageJsonResolverRc<Sys>,
  pub(crate) cjs_tracker: CjsTrackerRc<NpmChecker, Sys>,
  pub(crate) npm_module_loader: DenoNpmModuleLoaderRc<Sys>,
  pub(crate) cjs_translator: DenoNodeCodeTranslatorRc<Sys>,
  compiler_options: CompilerOptionsResolverRc,
  /// Whether a `node_modules` directory is in use (it changes how
  /// `require()` searches for packages).
  pub has_node_modules_dir: bool,
  /// The program's configuration files and the modules its main runtime
  /// loaded (task code under the strict policy may not write them).
  pub program_files: Arc<ProgramFiles>,
}

impl std::fmt::Debug for Resolution {
  fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
    f.debug_struct("Resolution")
      .field("has_node_modules_dir", &self.has_node_modules_dir)
      .finish_non_exhaustive()
  }
}

/// A configuration that could not be read: the message names the file.
#[derive(Debug, thiserror::Error)]
#[error("{0:#}")]
pub struct ResolutionSetupError(anyhow::Error);

/// How a file outside `node_modules` is compiled.
pub struct TranspileConfig {
  pub options: deno_ast::TranspileOptions,
  /// Distinguishes configurations (part of the prepared-source cache key).
  pub hash: u64,
}

impl Resolution {
  /// Discover the program's configuration and build its resolvers.
  pub fn new(options: ResolutionOptions) -> Result<Arc<Self>, ResolutionSetupError> {
    deno_core::futures::executor::block_on(Self::build(options)).map_err(ResolutionSetupError)
  }

  async fn build(options: ResolutionOptions) -> Result<Arc<Self>, anyhow::Error> {
    let config_discovery = match options.config {
      Some(path) => ConfigDiscoveryOption::Path(options.cwd.join(path)),
      None => ConfigDiscoveryOption::Discover {
        start_paths: vec![options.start_dir.unwrap_or_else(|| options.cwd.clone())],
      },
    };
    let workspace = Arc::new(WorkspaceFactory::new(
      Sys::default(),
      options.cwd.clone(),
      WorkspaceFactoryOptions {
        config_discovery,
        // Always the local node_modules: no global cache, no install.
        node_modules_dir: Some(NodeModulesDirMode::Manual),
        no_lock: true,
        ..Default::default()
      },
    ));
    let has_package_json = workspace
      .workspace_directory()?
      .workspace
      .package_jsons()
      .next()
      .is_some();
    let detect_cjs = workspace.workspace_directory()?.workspace.has_unstable("detect-cjs");
    let program_files = Arc::new(ProgramFiles::default());
    {
      let found = &workspace.workspace_directory()?.workspace;
      for deno_json in found.deno_jsons() {
        if let Ok(path) = deno_json.specifier.to_file_path() {
          program_files.insert(path);
        }
      }
      for package_json in found.package_jsons() {
        program_files.insert(package_json.path.clone());
      }
      if let Some(map) = &options.import_map {
        program_files.insert(options.cwd.join(map));
      }
    }
    let factory = ResolverFactory::new(
      workspace.clone(),
      ResolverFactoryOptions {
        // As `deno run`: with a package.json, `.js` files under
        // `"type": "commonjs"` are CommonJS (in node_modules, those of every
        // package without `"type": "module"`).
        is_cjs_resolution_mode: if detect_cjs {
          IsCjsResolutionMode::ImplicitTypeCommonJs
        } else if has_package_json {
          IsCjsResolutionMode::ExplicitTypeCommonJs
        } else {
          IsCjsResolutionMode::Disabled
        },
        node_analysis_cache: Some(Arc::new(AnalysisCache::default())),
        node_resolution_cache: Some(Arc::new(NodeResolutionThreadLocalCache)),
        package_json_cache: Some(Arc::new(PackageJsonThreadLocalCache)),
        specified_import_map: options
          .import_map
          .map(|path| Box::new(ImportMapFile(options.cwd.join(path))) as Box<dyn SpecifiedImportMapProvider>),
        ..Default::default()
      },
    );
    Ok(Arc::new(Self {
      resolver: factory.raw_deno_resolver().await?.clone(),
      in_npm_package: factory.in_npm_package_checker()?.clone(),
      node_resolver: factory.node_resolver()?.clone(),
      pkg_json_resolver: factory.pkg_json_resolver().clone(),
      cjs_tracker: factory.cjs_tracker()?.clone(),
      npm_module_loader: factory.npm_module_loader()?.clone(),
      cjs_translator: factory.node_code_translator()?.clone(),
      compiler_options: factory.compiler_options_resolver()?.clone(),
      has_node_modules_dir: workspace.node_modules_dir_path()?.is_some(),
      program_files,
    }))
  }

  /// The URL `specifier`, imported from `referrer`, names, whatever its
  /// scheme (see `loadable`).
  pub fn resolve(&self, specifier: &str, referrer: &ModuleSpecifier) -> Result<ModuleSpecifier, JsErrorBox> {
    Ok(
      self
        .resolver
        .resolve(
          specifier,
          referrer,
          ResolutionMode::Import,
          NodeResolutionKind::Execution,
        )
        .map_err(|error| explain_resolve_error(specifier, referrer, &error))?
        .url,
    )
  }

  /// `resolved` if knit can load it: a `file:` URL, a `node:` built-in, a
  /// `data:`/`blob:` URL, or knit's own `knit:` modules; else an error that
  /// says what to do instead.
  pub fn loadable(&self, resolved: ModuleSpecifier, referrer: &str) -> Result<ModuleSpecifier, JsErrorBox> {
    match resolved.scheme() {
      "file" | "node" | "data" | "blob" | "knit" => Ok(resolved),
      "npm" => Err(JsErrorBox::type_error(format!(
        "Cannot resolve \"{resolved}\" (imported from {referrer}): npm packages come from node_modules. \
         Run `npm install` in the project."
      ))),
      "ext" => Err(JsErrorBox::type_error(format!(
        "Cannot import \"{resolved}\" (imported from {referrer}): ext: modules are the runtime's own internals, \
         not for programs. Use the public API (Deno.*, Web APIs, node: built-ins)."
      ))),
      "jsr" => Err(JsErrorBox::type_error(format!(
        "Cannot import \"{resolved}\" (imported from {referrer}): knit does not download jsr: packages. \
         Install the package from npm (`npm install` it and import it by name), or vendor its files into the project."
      ))),
      _ => Err(JsErrorBox::type_error(format!(
        "Cannot import \"{resolved}\" (imported from {referrer}): knit loads no remote modules. \
         Install the package from npm, or download the file into the project and import it by path."
      ))),
    }
  }

  /// Whether `specifier` is a file inside `node_modules`.
  pub fn in_npm_package(&self, specifier: &ModuleSpecifier) -> bool {
    self.in_npm_package.in_npm_package(specifier)
  }

  /// How to compile TypeScript/JSX at `specifier`: the `compilerOptions` of
  /// the `deno.json` (or `tsconfig.json`) that governs it, e.g. `"jsx":
  /// "react-jsx"` with its `jsxImportSource`.
  pub fn transpile_config(&self, specifier: &ModuleSpecifier) -> Result<TranspileConfig, JsErrorBox> {
    let emit = self
      .compiler_options
      .for_specifier(specifier)
      .transpile_options()
      .map_err(JsErrorBox::from_err)?;
    Ok(TranspileConfig {
      options: emit.transpile.clone(),
      hash: emit.pre_computed_hash,
    })
  }

  /// Whether a file outside `node_modules` may be CommonJS (its final
  /// answer needs the parsed source: see `is_cjs`).
  pub fn is_maybe_cjs(&self, specifier: &ModuleSpecifier, media_type: MediaType) -> Result<bool, JsErrorBox> {
    self
      .cjs_tracker
      .is_maybe_cjs(specifier, media_type)
      .map_err(JsErrorBox::from_err)
  }

  /// Whether a file is CommonJS, knowing whether it parsed as a script (no
  /// `import`/`export`).
  pub fn is_cjs(
    &self,
    specifier: &ModuleSpecifier,
    media_type: MediaType,
    is_script: bool,
  ) -> Result<bool, JsErrorBox> {
    self
      .cjs_tracker
      .is_cjs_with_known_is_script(specifier, media_type, is_script)
      .map_err(JsErrorBox::from_err)
  }
}

/// deno_resolver's messages are written for `deno install` and Deno's
/// global cache; a knit user installs with npm.
fn explain_resolve_error(specifier: &str, referrer: &ModuleSpecifier, error: &DenoResolveError) -> JsErrorBox {
  let unmapped_bare = match error.as_kind() {
    DenoResolveErrorKind::MappedResolution(mapped) => mapped.is_unmapped_bare_specifier(),
    _ => false,
  };
  if unmapped_bare {
    let package = package_name(specifier);
    return JsErrorBox::type_error(format!(
      "Cannot find package \"{package}\" imported from {referrer}: it is not in node_modules \
       (nor in an import map). Run `npm install {package}` in the project."
    ));
  }
  let message = error
    .to_string()
    .replace(
      "Did you forget to run `deno install`?",
      "Run `npm install` in the project.",
    )
    .replace("then run `deno install`", "then run `npm install`")
    .replace(
      " Alternatively, turn on auto-install by specifying `\"nodeModulesDir\": \"auto\"` in your deno.json file.",
      "",
    )
    .replace("Deno expects", "knit expects");
  JsErrorBox::type_error(message)
}

/// `@scope/name/sub/path` -> `@scope/name`, `name/sub` -> `name`.
fn package_name(specifier: &str) -> &str {
  let parts = if specifier.starts_with('@') { 2 } else { 1 };
  match specifier.match_indices('/').nth(parts - 1) {
    Some((at, _)) => &specifier[..at],
    None => specifier,
  }
}

/// `--import-map file.json`.
#[derive(Debug)]
struct ImportMapFile(PathBuf);

#[async_trait::async_trait(?Send)]
impl SpecifiedImportMapProvider for ImportMapFile {
  async fn get(&self) -> Result<Option<SpecifiedImportMap>, anyhow::Error> {
    let path = &self.0;
    let text = std::fs::read_to_string(path).map_err(|e| anyhow::anyhow!("import map {}: {e}", path.display()))?;
    let value = serde_json::from_str(&text).map_err(|e| anyhow::anyhow!("import map {}: {e}", path.display()))?;
    let base_url = deno_path_util::url_from_file_path(path)?;
    Ok(Some(SpecifiedImportMap { base_url, value }))
  }
}

/// What Deno's CJS analysis found per file, for the whole process: every
/// pool worker loads the same packages, and analysing a large CommonJS file
/// (react-dom) costs tens of milliseconds on each.
#[derive(Default)]
struct AnalysisCache {
  entries: Mutex<HashMap<(ModuleSpecifier, u64), DenoCjsAnalysis>>,
  hasher: std::hash::RandomState,
}

impl NodeAnalysisCache for AnalysisCache {
  fn compute_source_hash(&self, source: &str) -> NodeAnalysisCacheSourceHash {
    NodeAnalysisCacheSourceHash(self.hasher.hash_one(source))
  }

  fn get_cjs_analysis(
    &self,
    specifier: &ModuleSpecifier,
    hash: NodeAnalysisCacheSourceHash,
  ) -> Option<DenoCjsAnalysis> {
    self.entries.lock().unwrap().get(&(specifier.clone(), hash.0)).cloned()
  }

  fn set_cjs_analysis(
    &self,
    specifier: &ModuleSpecifier,
    hash: NodeAnalysisCacheSourceHash,
    analysis: &DenoCjsAnalysis,
  ) {
    self
      .entries
      .lock()
      .unwrap()
      .insert((specifier.clone(), hash.0), analysis.clone());
  }
}

#[cfg(test)]
mod tests {
  use super::*;

  #[test]
  fn package_names_of_bare_specifiers() {
    assert_eq!(package_name("zod"), "zod");
    assert_eq!(package_name("react-dom/server"), "react-dom");
    assert_eq!(package_name("@hono/node-server"), "@hono/node-server");
    assert_eq!(package_name("@hono/node-server/vercel"), "@hono/node-server");
  }

  #[test]
  fn resolution_is_shared_across_threads() {
    fn send_sync<T: Send + Sync>() {}
    send_sync::<Resolution>();
  }
}
