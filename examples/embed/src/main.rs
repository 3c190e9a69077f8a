//! Embedding `deno_knitting`: a program that makes its own JS runtime with
//! the extension as the host, runs a module that builds a pool, and exits
//! with its code. `knit` (cli/src/main.rs) is this plus flags, policies, a
//! startup snapshot and pre-warmed workers.
//!
//!   cargo run --release -p knitting-embed [MODULE]   # default: squares.ts beside this crate

use std::path::PathBuf;
use std::sync::Arc;

use deno_core::ModuleSpecifier;
use deno_knitting::DenoWorkerFactory;
use deno_knitting::HostConfig;
use deno_knitting::KnittingRole;
use deno_knitting::LoaderRole;
use deno_knitting::Resolution;
use deno_knitting::ResolutionOptions;
use deno_knitting::RuntimeSpec;
use deno_runtime::deno_permissions::Permissions;
use deno_runtime::deno_permissions::PermissionsContainer;
use deno_runtime::deno_permissions::PermissionsOptions;
use deno_runtime::permissions::RuntimePermissionDescriptorParser;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

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
    .unwrap_or_else(|| PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/squares.ts")));
  let module = std::path::absolute(&module)?;
  let main_module =
    ModuleSpecifier::from_file_path(&module).map_err(|()| format!("not a module path: {}", module.display()))?;

  // What the host itself may do: read the module's directory. Pool workers
  // get their own policy (strict by default) and never more than this.
  let directory = module.parent().ok_or("the module has no directory")?;
  let grants = PermissionsOptions {
    allow_read: Some(vec![directory.display().to_string()]),
    ..Default::default()
  };
  let parser = Arc::new(RuntimePermissionDescriptorParser::new(sys_traits::impls::RealSys));
  let permissions = PermissionsContainer::new(parser.clone(), Permissions::from_options(parser.as_ref(), &grants)?);

  // How modules are found (deno.json, package.json, node_modules): once per program.
  let resolution = Resolution::new(ResolutionOptions {
    cwd: directory.to_path_buf(),
    start_dir: Some(directory.to_path_buf()),
    config: None,
    import_map: None,
  })?;
  let host = HostConfig {
    // Builds each pool worker's runtime; implement `WorkerRuntimeFactory`
    // to build them your own way.
    factory: Arc::new(DenoWorkerFactory {
      snapshot: None,
      resolution: resolution.clone(),
    }),
    permissions: grants,
    default_policy: None, // strict for pools that name none
    program_files: resolution.program_files.clone(),
  };

  let tokio = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
  let code = tokio.block_on(async {
    let mut worker = deno_knitting::create_main_worker(RuntimeSpec {
      main_module: main_module.clone(),
      permissions,
      args: vec![],
      resolution,
      extensions: vec![deno_knitting::deno_knitting::init(KnittingRole::Host(host))],
      role: LoaderRole::Program,
      snapshot: None,
      unconfigured: None,
      create_params: None,
    });
    worker.execute_main_module(&main_module).await?;
    worker.run_event_loop(false).await?;
    Ok::<_, deno_core::error::CoreError>(worker.exit_code())
  })?;
  std::process::exit(code);
}
