//! Embedding `deno_knitting` in a runtime of one's own: a bare
//! `deno_core::JsRuntime` (no deno_runtime: no Web APIs, no `Deno.*`, no
//! TypeScript) with the extension as the host, a factory that makes each
//! pool worker's runtime the same way, and a module loader that serves the
//! program's files and Knitting's modules. It runs a module that builds a
//! pool and exits with the module's outcome. `knit` does the same on
//! deno_runtime (`knitting_runtime`), with flags, policies, a startup
//! snapshot and pre-warmed workers.
//!
//!   cargo run --release -p knitting-embed [MODULE]   # default: squares.js beside this crate

use std::path::PathBuf;
use std::rc::Rc;
use std::sync::Arc;

use deno_core::error::ModuleLoaderError;
use deno_core::JsRuntime;
use deno_core::ModuleLoadOptions;
use deno_core::ModuleLoadReferrer;
use deno_core::ModuleLoadResponse;
use deno_core::ModuleLoader;
use deno_core::ModuleSource;
use deno_core::ModuleSourceCode;
use deno_core::ModuleSpecifier;
use deno_core::ModuleType;
use deno_core::ResolutionKind;
use deno_core::RuntimeOptions;
use deno_error::JsErrorBox;
use deno_knitting::modules;
use deno_knitting::BoxError;
use deno_knitting::HostConfig;
use deno_knitting::KnittingRole;
use deno_knitting::WorkerRuntime;
use deno_knitting::WorkerRuntimeArgs;
use deno_knitting::WorkerRuntimeFactory;
use deno_permissions::PermissionsOptions;

/// Serves Knitting's modules (`"knitting"`, the worker's entry) and the
/// program's JavaScript files, as they are.
struct Loader;

impl ModuleLoader for Loader {
  fn resolve(
    &self,
    specifier: &str,
    referrer: &str,
    _kind: ResolutionKind,
  ) -> Result<ModuleSpecifier, ModuleLoaderError> {
    if let Some(url) = modules::resolve(specifier) {
      return Ok(url);
    }
    deno_core::resolve_import(specifier, referrer).map_err(JsErrorBox::from_err)
  }

  fn load(
    &self,
    specifier: &ModuleSpecifier,
    _referrer: Option<&ModuleLoadReferrer>,
    _options: ModuleLoadOptions,
  ) -> ModuleLoadResponse {
    ModuleLoadResponse::Sync(load(specifier))
  }
}

fn load(specifier: &ModuleSpecifier) -> Result<ModuleSource, ModuleLoaderError> {
  if let Some(module) = modules::load(specifier) {
    return Ok(module);
  }
  let path = specifier
    .to_file_path()
    .map_err(|()| JsErrorBox::generic(format!("cannot load {specifier}: this program loads file: modules")))?;
  let code =
    std::fs::read_to_string(&path).map_err(|e| JsErrorBox::generic(format!("cannot load {}: {e}", path.display())))?;
  Ok(ModuleSource::new(
    ModuleType::JavaScript,
    ModuleSourceCode::String(code.into()),
    specifier,
    None,
  ))
}

/// Makes each pool worker's runtime, on the worker's thread: deno_core with
/// the Knitting extension the pool hands over, and the same loader.
struct BareWorkers;

impl WorkerRuntimeFactory for BareWorkers {
  fn create(&self, args: WorkerRuntimeArgs) -> Result<Box<dyn WorkerRuntime>, BoxError> {
    Ok(Box::new(JsRuntime::new(RuntimeOptions {
      extensions: vec![args.knitting],
      module_loader: Some(Rc::new(Loader)),
      // The pool's resourceLimits (heap, stack), if it has any.
      create_params: args.create_params,
      ..Default::default()
    })))
  }
}

fn main() {
  if let Err(error) = run() {
    eprintln!("error: {error}");
    std::process::exit(1);
  }
}

fn run() -> Result<(), BoxError> {
  let module = std::env::args()
    .nth(1)
    .map(PathBuf::from)
    .unwrap_or_else(|| PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/squares.js")));
  let module = std::path::absolute(&module)?;
  let main_module =
    ModuleSpecifier::from_file_path(&module).map_err(|()| format!("not a module path: {}", module.display()))?;

  let host = HostConfig {
    factory: Arc::new(BareWorkers),
    // What the host may grant its workers: nothing (a bare runtime has no
    // APIs that check permissions; a runtime with `Deno.*` would give its
    // workers at most this, whatever a pool's policy asks).
    permissions: PermissionsOptions::default(),
    default_policy: None, // strict for pools that name none
    program_files: Default::default(),
  };
  let mut runtime = JsRuntime::new(RuntimeOptions {
    extensions: vec![deno_knitting::deno_knitting::init(KnittingRole::Host(host))],
    module_loader: Some(Rc::new(Loader)),
    ..Default::default()
  });

  let tokio = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
  tokio.block_on(async {
    let id = runtime.load_main_es_module(&main_module).await?;
    let evaluation = runtime.mod_evaluate(id);
    runtime.run_event_loop(Default::default()).await?;
    evaluation.await
  })?;
  Ok(())
}
