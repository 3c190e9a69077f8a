//! Building deno_runtime workers: the `knit` main worker, Web Workers it
//! spawns, and the JS runtime of every pool worker thread.

use std::rc::Rc;
use std::sync::Arc;

use deno_core::Extension;
use deno_core::ModuleSpecifier;
use deno_knitting::KnittingRole;
use deno_runtime::deno_fs::RealFs;
use deno_runtime::deno_node::NodeExtInitServices;
use deno_runtime::deno_permissions::PermissionsContainer;
use deno_runtime::deno_web::BlobStore;
use deno_runtime::ops::worker_host::CreateWebWorkerArgs;
use deno_runtime::ops::worker_host::CreateWebWorkerCb;
use deno_runtime::web_worker::WebWorker;
use deno_runtime::web_worker::WebWorkerOptions;
use deno_runtime::web_worker::WebWorkerServiceOptions;
use deno_runtime::worker::MainWorker;
use deno_runtime::worker::UnconfiguredRuntime;
use deno_runtime::worker::WorkerOptions;
use deno_runtime::worker::WorkerServiceOptions;
use deno_runtime::BootstrapOptions;

use crate::confine::confine_runtime;
use crate::confine::confine_stdio;
use crate::confine::confine_thread;
use crate::confine::confined;
use crate::confine::confinement;
use crate::module_loader::KnitModuleLoader;
use crate::module_loader::LoaderRole;
use crate::resolution::Resolution;
use crate::services::feature_checker;
use crate::services::shared_array_buffer_store;
use crate::services::NpmChecker;
use crate::services::NpmResolver;
use crate::services::Sys;
use crate::snapshot::RuntimeSnapshot;

/// What a deno_runtime worker needs besides its extensions.
pub struct RuntimeSpec {
  pub main_module: ModuleSpecifier,
  pub permissions: PermissionsContainer,
  pub args: Vec<String>,
  /// How the program's modules are found (one for all its runtimes).
  pub resolution: Arc<Resolution>,
  pub extensions: Vec<Extension>,
  /// What the runtime is for, which decides which modules load unchecked.
  pub role: LoaderRole,
  /// Start from this snapshot (made by [`crate::snapshot::create`] with the
  /// same extensions) instead of running every extension's JS.
  pub snapshot: Option<&'static RuntimeSnapshot>,
  /// A runtime made ahead of time on this thread (its extensions are then
  /// the ones it was made with).
  pub unconfigured: Option<UnconfiguredRuntime>,
  /// How to make the engine instance (a heap limit), when not `unconfigured`.
  pub create_params: Option<deno_core::v8::CreateParams>,
}

/// A `MainWorker` with the knit module loader and Web Worker support.
pub fn create_main_worker(spec: RuntimeSpec) -> MainWorker {
  let loader = KnitModuleLoader::new(spec.resolution.clone(), Some(spec.permissions.clone()), spec.role);
  let services = WorkerServiceOptions::<NpmChecker, NpmResolver, Sys> {
    blob_store: Arc::new(BlobStore::default()),
    broadcast_channel: Default::default(),
    deno_rt_native_addon_loader: None,
    feature_checker: feature_checker(),
    fs: Arc::new(RealFs),
    module_loader: loader.clone(),
    node_services: Some(node_services(&spec.resolution, loader)),
    npm_process_state_provider: None,
    permissions: spec.permissions,
    root_cert_store_provider: None,
    fetch_dns_resolver: Default::default(),
    shared_array_buffer_store: Some(shared_array_buffer_store()),
    compiled_wasm_module_store: None,
    v8_code_cache: None,
    bundle_provider: None,
  };
  let options = WorkerOptions {
    extensions: spec.extensions,
    startup_snapshot: spec.snapshot.map(|s| s.blob),
    residual_lazy_js_sources: spec.snapshot.map_or(&[], |s| s.residual_js),
    residual_lazy_esm_sources: spec.snapshot.map_or(&[], |s| s.residual_esm),
    unconfigured_runtime: spec.unconfigured,
    create_params: spec.create_params,
    create_web_worker_cb: create_web_worker_callback(spec.resolution.clone(), spec.snapshot),
    bootstrap: BootstrapOptions {
      args: spec.args,
      has_node_modules_dir: spec.resolution.has_node_modules_dir,
      ..Default::default()
    },
    ..Default::default()
  };
  MainWorker::bootstrap_from_options(&spec.main_module, services, options)
}

/// Web Workers (`new Worker(url, { type: "module" })`, and the workers of
/// `node:worker_threads`) for code run by knit; from `snapshot` when given,
/// like every other runtime (without one, a worker evaluates every
/// extension's JS, ~200 ms, and lazily loaded Node polyfills fail to link).
pub fn create_web_worker_callback(
  resolution: Arc<Resolution>,
  snapshot: Option<&'static RuntimeSnapshot>,
) -> Arc<CreateWebWorkerCb> {
  Arc::new(move |args: CreateWebWorkerArgs| {
    // Its stdin only to a worker that may read everything (as in pool
    // workers); its output is its parent's business.
    let stdin = args.permissions.query_read_all();
    // This runs on the worker's own thread; its reads are checked (and
    // their paths resolved) unless it may read everything.
    confine_thread(!stdin, None);
    let loader = KnitModuleLoader::new(
      resolution.clone(),
      Some(args.permissions.clone()),
      LoaderRole::WebWorker,
    );
    let services = WebWorkerServiceOptions::<NpmChecker, NpmResolver, Sys> {
      blob_store: Arc::new(BlobStore::default()),
      broadcast_channel: Default::default(),
      deno_rt_native_addon_loader: None,
      compiled_wasm_module_store: None,
      feature_checker: feature_checker(),
      fs: Arc::new(RealFs),
      main_inspector_session_tx: Default::default(),
      module_loader: loader.clone(),
      node_services: Some(node_services(&resolution, loader)),
      npm_process_state_provider: None,
      permissions: args.permissions,
      root_cert_store_provider: None,
      shared_array_buffer_store: Some(shared_array_buffer_store()),
      bundle_provider: None,
    };
    let options = WebWorkerOptions {
      name: args.name,
      main_module: args.main_module.clone(),
      worker_id: args.worker_id,
      // Without a location the worker bootstrap fails on `new URL(null)`.
      bootstrap: BootstrapOptions {
        location: Some(args.main_module.clone()),
        has_node_modules_dir: resolution.has_node_modules_dir,
        // A node:worker_threads worker ends once it has nothing left to do,
        // as in Node (its message poll is unref'd only when this is set).
        close_on_idle: args.close_on_idle,
        mode: deno_runtime::WorkerExecutionMode::Worker,
        ..Default::default()
      },
      // The snapshot holds deno_knitting, so a runtime made from it must
      // have it too (as a worker that serves no pool).
      extensions: match snapshot {
        Some(_) => vec![confined(deno_knitting::deno_knitting::init(
          KnittingRole::PendingWorker,
        ))],
        None => vec![confinement()],
      },
      startup_snapshot: snapshot.map(|s| s.blob),
      residual_lazy_js_sources: snapshot.map_or(&[], |s| s.residual_js),
      residual_lazy_esm_sources: snapshot.map_or(&[], |s| s.residual_esm),
      unsafely_ignore_certificate_errors: None,
      create_params: None,
      seed: None,
      create_web_worker_cb: create_web_worker_callback(resolution.clone(), snapshot),
      format_js_error_fn: None,
      worker_type: args.worker_type,
      cache_storage_dir: None,
      stdio: Default::default(),
      trace_ops: None,
      close_on_idle: args.close_on_idle,
      maybe_worker_metadata: args.maybe_worker_metadata,
      maybe_main_module_blob: args.maybe_main_module_blob,
      maybe_coverage_dir: None,
      maybe_cpu_prof_config: None,
      enable_raw_imports: false,
      enable_stack_trace_arg_in_ops: false,
      wait_for_debugger_on_start: false,
      wait_for_page_wait_for_debugger: false,
    };
    let (mut worker, handle) = WebWorker::bootstrap_from_options(services, options);
    // Bootstrap made `Deno`; no code of the program has run in this runtime,
    // so nothing can make this fail.
    confine_runtime(&mut worker.js_runtime).expect("confining a new Web Worker");
    if let Err(error) = confine_stdio(&mut worker.js_runtime.op_state().borrow_mut(), stdin, true) {
      eprintln!("knit: could not withhold stdin from a Web Worker: {error}");
    }
    (worker, handle)
  })
}

/// What deno_node's `require` and `node:module` need: the program's
/// resolvers, and this runtime's loader as `require`'s file reader.
fn node_services(
  resolution: &Resolution,
  loader: Rc<KnitModuleLoader>,
) -> NodeExtInitServices<NpmChecker, NpmResolver, Sys> {
  NodeExtInitServices {
    node_require_loader: loader,
    node_resolver: resolution.node_resolver.clone(),
    pkg_json_resolver: resolution.pkg_json_resolver.clone(),
    sys: Sys::default(),
  }
}
