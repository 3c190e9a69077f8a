//! `knit`: a deno_runtime-based CLI that runs a module with Knitting pools.

mod flags;

use std::sync::Arc;

use clap::Parser;
use deno_core::ModuleSpecifier;
use deno_knitting::DenoWorkerFactory;
use deno_knitting::KnittingRole;
use deno_knitting::RuntimeSpec;
use deno_runtime::deno_permissions::Permissions;
use deno_runtime::deno_permissions::PermissionsContainer;
use deno_runtime::permissions::RuntimePermissionDescriptorParser;

use flags::Cli;
use flags::Command;
use flags::RunArgs;

/// Bad input (usage, a missing module): like clap's own usage errors.
const EXIT_USAGE: i32 = 2;

fn main() {
  let cli = Cli::parse();
  let code = match cli.command {
    Command::Run(args) => run(args),
  };
  std::process::exit(code);
}

fn usage_error(message: impl std::fmt::Display) -> i32 {
  eprintln!("error: {message}");
  EXIT_USAGE
}

fn run(args: RunArgs) -> i32 {
  let cwd = match std::env::current_dir() {
    Ok(cwd) => cwd,
    Err(e) => return usage_error(format!("cannot read the current directory: {e}")),
  };
  let path = cwd.join(args.file());
  if !path.is_file() {
    return usage_error(format!("module not found: {}", path.display()));
  }
  let Ok(main_module) = ModuleSpecifier::from_file_path(&path) else {
    return usage_error(format!("not a valid module path: {}", path.display()));
  };
  let options = args.permissions.to_options();
  let parser = Arc::new(RuntimePermissionDescriptorParser::new(sys_traits::impls::RealSys));
  let permissions = match Permissions::from_options(parser.as_ref(), &options) {
    Ok(permissions) => PermissionsContainer::new(parser, permissions),
    Err(e) => return usage_error(format!("invalid permission flag: {e}")),
  };
  let factory = Arc::new(DenoWorkerFactory { permissions: options });
  let tokio = tokio::runtime::Builder::new_current_thread()
    .enable_all()
    .build()
    .expect("tokio runtime");
  let result = tokio.block_on(async {
    let mut worker = deno_knitting::create_main_worker(RuntimeSpec {
      main_module: main_module.clone(),
      permissions,
      args: args.script_args(),
      extensions: vec![deno_knitting::deno_knitting::init(KnittingRole::Host(factory))],
    });
    worker.execute_main_module(&main_module).await?;
    worker.dispatch_load_event()?;
    worker.run_event_loop(false).await?;
    worker.dispatch_unload_event()?;
    Ok::<_, deno_core::error::CoreError>(worker.exit_code())
  });
  match result {
    Ok(code) => code,
    Err(error) => {
      eprintln!("error: {error}");
      1
    }
  }
}
