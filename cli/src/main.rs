//! `knit`: a deno_runtime-based CLI that runs a module with Knitting pools.

mod flags;

use std::sync::Arc;

use clap::Parser;
use deno_core::ModuleSpecifier;
use deno_knitting::HostConfig;
use deno_knitting::KnittingRole;
use deno_runtime::deno_permissions::Permissions;
use deno_runtime::deno_permissions::PermissionsContainer;
use deno_runtime::permissions::RuntimePermissionDescriptorParser;
use knitting_permissions::Policy;
use knitting_runtime::snapshot;
use knitting_runtime::snapshot::RuntimeSnapshot;
use knitting_runtime::DenoWorkerFactory;
use knitting_runtime::RuntimeSpec;
use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::Stdio;

use flags::Cli;
use flags::Command;
use flags::PolicyCommand;
use flags::RunArgs;

/// The soft limit on open files raised to the hard one, as `deno` does: the
/// process's threads (each pool worker may hold up to its
/// `resourceLimits.maxOpenFiles`) share it.
fn raise_fd_limit() {
  #[cfg(unix)]
  // SAFETY: getrlimit/setrlimit with a valid, initialised rlimit.
  unsafe {
    let mut limits = libc::rlimit {
      rlim_cur: 0,
      rlim_max: 0,
    };
    if libc::getrlimit(libc::RLIMIT_NOFILE, &mut limits) == 0 && limits.rlim_cur < limits.rlim_max {
      limits.rlim_cur = limits.rlim_max;
      libc::setrlimit(libc::RLIMIT_NOFILE, &limits);
    }
  }
}

/// Bad input (usage, a missing module): like clap's own usage errors.
const EXIT_USAGE: i32 = 2;

fn main() {
  raise_fd_limit();
  let cli = Cli::parse();
  let code = match cli.command {
    Command::Run(args) => run(args),
    Command::Policy(PolicyCommand::Explain { file }) => explain(file.as_deref()),
    Command::Snapshot { dir } => match snapshot::create(&dir) {
      Ok(()) => 0,
      Err(error) => {
        eprintln!("error: could not write the startup snapshot: {error}");
        1
      }
    },
  };
  std::process::exit(code);
}

fn usage_error(message: impl std::fmt::Display) -> i32 {
  eprintln!("error: {message}");
  EXIT_USAGE
}

/// The runtime's startup snapshot, made on first use (in a child process,
/// once per knit build) and cached. None when it cannot be had: knit then
/// starts runtimes the slow way. `KNIT_NO_SNAPSHOT=1` turns it off.
fn runtime_snapshot() -> Option<&'static RuntimeSnapshot> {
  if std::env::var_os("KNIT_NO_SNAPSHOT").is_some() {
    return None;
  }
  let exe = std::env::current_exe().ok()?;
  let root = std::env::var_os("KNIT_CACHE")
    .map(PathBuf::from)
    .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".cache/knitting")))?;
  let dir = snapshot::cache_dir(&exe, &root)?;
  let failed_before = dir.join("failed");
  let loaded = snapshot::load(&dir).or_else(|| {
    if failed_before.exists() {
      return None; // this build cannot make one; do not pay for trying again
    }
    if std::io::stderr().is_terminal() {
      eprintln!("knit: making the startup snapshot of this build (once, about 10 s)");
    }
    let made = std::process::Command::new(&exe)
      .arg("__snapshot")
      .arg(&dir)
      .stdin(Stdio::null())
      .stdout(Stdio::null())
      .stderr(Stdio::null())
      .status()
      .ok()?;
    if !made.success() {
      let _ = std::fs::create_dir_all(&dir).and_then(|()| std::fs::write(&failed_before, b""));
      return None;
    }
    snapshot::remove_others(&dir);
    snapshot::load(&dir)
  })?;
  Some(Box::leak(Box::new(loaded)))
}

/// Whether a module's source names the Knitting API in quotes (as an import
/// does); a cheap look, not a parse.
fn imports_knitting(source: &str) -> bool {
  deno_knitting::modules::API_SPECIFIERS
    .iter()
    .any(|name| source.contains(&format!("\"{name}\"")) || source.contains(&format!("'{name}'")))
}

/// Read and check a policy file; the error names the file, the field and
/// what was expected.
fn load_policy(file: &std::path::Path) -> Result<Policy, String> {
  let text = std::fs::read_to_string(file).map_err(|e| format!("policy file {}: {e}", file.display()))?;
  Policy::from_json_text(&text).map_err(|e| format!("policy file {}: {e}", file.display()))
}

fn explain(file: Option<&std::path::Path>) -> i32 {
  let (policy, source) = match file {
    Some(file) => match load_policy(file) {
      Ok(policy) => (policy, file.display().to_string()),
      Err(message) => return usage_error(message),
    },
    None => (Policy::default(), "the default".to_string()),
  };
  let context = match knitting_permissions::Context::from_process(vec![], vec![]) {
    Ok(context) => context,
    Err(e) => return usage_error(format!("cannot read the current directory: {e}")),
  };
  let resolved = knitting_permissions::resolve(&policy, &context);
  let text = format!(
    "{}(a pool also reads its task modules; workers never get more than knit's own --allow-* flags)\n",
    knitting_permissions::explain(&resolved, &source)
  );
  // `knit policy explain | head` closes the pipe early: that is not an error.
  match std::io::Write::write_all(&mut std::io::stdout().lock(), text.as_bytes()) {
    Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
      eprintln!("error: cannot write the explanation: {e}");
      1
    }
    _ => 0,
  }
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
  let default_policy = match args.policy.as_deref().map(load_policy).transpose() {
    Ok(policy) => policy,
    Err(message) => return usage_error(message),
  };
  let resolution = match knitting_runtime::Resolution::new(knitting_runtime::ResolutionOptions {
    cwd: cwd.clone(),
    start_dir: path.parent().map(PathBuf::from),
    config: args.config.clone(),
    import_map: args.import_map.clone(),
  }) {
    Ok(resolution) => resolution,
    Err(e) => return usage_error(e),
  };
  let snapshot = runtime_snapshot();
  if snapshot.is_none() {
    if let Err(missing) = snapshot::check_sources() {
      eprintln!("error: knit cannot make its JS runtime: {missing}");
      return 1;
    }
  }
  if let Some(snapshot) = snapshot {
    // Worker runtimes made while the program loads, for its first pool:
    // one per core (at most 4), or KNIT_PREWARM of them.
    let count = std::env::var("KNIT_PREWARM")
      .ok()
      .and_then(|n| n.parse().ok())
      .unwrap_or_else(|| std::thread::available_parallelism().map_or(2, |n| n.get().min(4)));
    knitting_runtime::prewarm::arm(snapshot, count);
    // A main module that imports Knitting gets its spares now, while knit
    // makes its own runtime (~20 ms), not only once that import resolves.
    if std::fs::read_to_string(&path).is_ok_and(|source| imports_knitting(&source)) {
      knitting_runtime::prewarm::fire();
    }
  }
  let host = HostConfig {
    factory: Arc::new(DenoWorkerFactory {
      snapshot,
      resolution: resolution.clone(),
    }),
    permissions: options,
    default_policy,
    program_files: resolution.program_files.clone(),
  };
  let tokio = tokio::runtime::Builder::new_current_thread()
    .enable_all()
    .build()
    .expect("tokio runtime");
  let result = tokio.block_on(async {
    let mut worker = knitting_runtime::create_main_worker(RuntimeSpec {
      main_module: main_module.clone(),
      permissions,
      args: args.script_args(),
      resolution,
      extensions: vec![deno_knitting::deno_knitting::init(KnittingRole::Host(host))],
      role: knitting_runtime::LoaderRole::Program,
      snapshot,
      unconfigured: None,
      create_params: None,
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
