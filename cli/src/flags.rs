//! `knit` command line: Deno-style permission flags, none granted by default.

use clap::Args;
use clap::Parser;
use clap::Subcommand;
use deno_runtime::deno_permissions::PermissionsOptions;
use std::path::PathBuf;

#[derive(Parser)]
#[command(name = "knit", version = version(), about = "Run JavaScript and TypeScript with Knitting worker pools")]
pub struct Cli {
  #[command(subcommand)]
  pub command: Command,
}

fn version() -> &'static str {
  concat!(
    env!("CARGO_PKG_VERSION"),
    " (deno_core 0.413, deno_runtime 0.268, engine: ",
    engine!(),
    ")"
  )
}

#[cfg(feature = "v8")]
macro_rules! engine {
  () => {
    "v8"
  };
}
#[cfg(not(feature = "v8"))]
macro_rules! engine {
  () => {
    "quickjs"
  };
}
use engine;

#[derive(Subcommand)]
pub enum Command {
  /// Run a JavaScript or TypeScript module
  Run(RunArgs),
  /// Work with permission policies
  #[command(subcommand)]
  Policy(PolicyCommand),
  /// Write the runtime's startup snapshot into a directory (knit runs this
  /// itself, once per build, in a child process)
  #[command(name = "__snapshot", hide = true)]
  Snapshot { dir: PathBuf },
}

#[derive(Subcommand)]
pub enum PolicyCommand {
  /// Print what a policy allows and denies here (strict when no file is given)
  Explain {
    /// A policy file (JSON); see docs/permissions.md
    file: Option<PathBuf>,
  },
}

#[derive(Args)]
pub struct RunArgs {
  #[command(flatten)]
  pub permissions: PermissionFlags,
  /// The permission policy (a JSON file) of pools that name none
  #[arg(long = "policy", value_name = "FILE")]
  pub policy: Option<PathBuf>,
  /// The deno.json (or deno.jsonc) to use, instead of the one found from the
  /// module's directory upwards
  #[arg(short = 'c', long = "config", value_name = "FILE")]
  pub config: Option<PathBuf>,
  /// An import map file, instead of the config's "imports" and "scopes"
  #[arg(long = "import-map", value_name = "FILE")]
  pub import_map: Option<PathBuf>,
  /// The module to run (.js, .mjs, .ts, .mts, .tsx, .jsx), then the script's
  /// own arguments (Deno.args): everything after the module is the script's.
  #[arg(value_name = "FILE [ARGS]", required = true, num_args = 1.., trailing_var_arg = true)]
  pub script: Vec<String>,
}

impl RunArgs {
  pub fn file(&self) -> &str {
    &self.script[0]
  }

  pub fn script_args(&self) -> Vec<String> {
    self.script[1..].to_vec()
  }
}

#[derive(Args, Default, Debug)]
pub struct PermissionFlags {
  /// Allow all permissions
  #[arg(short = 'A', long = "allow-all")]
  pub allow_all: bool,
  /// Allow file system read access (optionally only these paths)
  #[arg(long = "allow-read", value_name = "PATH", num_args = 0.., require_equals = true, value_delimiter = ',')]
  pub allow_read: Option<Vec<String>>,
  /// Allow file system write access (optionally only these paths)
  #[arg(long = "allow-write", value_name = "PATH", num_args = 0.., require_equals = true, value_delimiter = ',')]
  pub allow_write: Option<Vec<String>>,
  /// Allow network access (optionally only these hosts)
  #[arg(long = "allow-net", value_name = "HOST", num_args = 0.., require_equals = true, value_delimiter = ',')]
  pub allow_net: Option<Vec<String>>,
  /// Allow environment access (optionally only these variables)
  #[arg(long = "allow-env", value_name = "NAME", num_args = 0.., require_equals = true, value_delimiter = ',')]
  pub allow_env: Option<Vec<String>>,
  /// Allow running subprocesses (optionally only these programs)
  #[arg(long = "allow-run", value_name = "PROGRAM", num_args = 0.., require_equals = true, value_delimiter = ',')]
  pub allow_run: Option<Vec<String>>,
  /// Allow access to system information
  #[arg(long = "allow-sys", value_name = "API", num_args = 0.., require_equals = true, value_delimiter = ',')]
  pub allow_sys: Option<Vec<String>>,
  /// Allow loading dynamic libraries
  #[arg(long = "allow-ffi", value_name = "PATH", num_args = 0.., require_equals = true, value_delimiter = ',')]
  pub allow_ffi: Option<Vec<String>>,
}

impl PermissionFlags {
  /// Deno's options: `Some(vec![])` grants everything of a kind.
  pub fn to_options(&self) -> PermissionsOptions {
    let all = |flag: &Option<Vec<String>>| {
      if self.allow_all {
        Some(vec![])
      } else {
        flag.clone()
      }
    };
    PermissionsOptions {
      allow_read: all(&self.allow_read),
      allow_write: all(&self.allow_write),
      allow_net: all(&self.allow_net),
      allow_env: all(&self.allow_env),
      allow_run: all(&self.allow_run),
      allow_sys: all(&self.allow_sys),
      allow_ffi: all(&self.allow_ffi),
      allow_import: Some(vec![]),
      prompt: false,
      ..Default::default()
    }
  }
}

#[cfg(test)]
mod tests {
  use super::*;

  fn parse(args: &[&str]) -> RunArgs {
    let mut argv = vec!["knit", "run"];
    argv.extend_from_slice(args);
    match Cli::try_parse_from(argv).unwrap().command {
      Command::Run(run) => run,
      Command::Policy(_) | Command::Snapshot { .. } => unreachable!("parsed a run command"),
    }
  }

  #[test]
  fn nothing_is_granted_by_default() {
    let options = parse(&["main.ts"]).permissions.to_options();
    assert_eq!(options.allow_read, None);
    assert_eq!(options.allow_net, None);
    assert_eq!(options.allow_env, None);
    assert!(!options.prompt);
  }

  #[test]
  fn bare_flag_grants_all_and_list_grants_those() {
    let run = parse(&[
      "--allow-read",
      "--allow-net=127.0.0.1:80,example.com",
      "main.ts",
      "--allow-env",
      "x",
    ]);
    let options = run.permissions.to_options();
    assert_eq!(options.allow_read, Some(vec![]));
    assert_eq!(
      options.allow_net,
      Some(vec!["127.0.0.1:80".into(), "example.com".into()])
    );
    assert_eq!(options.allow_env, None, "flags after the file belong to the script");
    assert_eq!(run.file(), "main.ts");
    assert_eq!(run.script_args(), vec!["--allow-env", "x"]);
  }

  #[test]
  fn allow_all_grants_every_kind() {
    let options = parse(&["-A", "main.ts"]).permissions.to_options();
    for granted in [
      options.allow_read,
      options.allow_write,
      options.allow_net,
      options.allow_env,
      options.allow_run,
    ] {
      assert_eq!(granted, Some(vec![]));
    }
  }

  #[test]
  fn policy_file_and_explain_parse() {
    assert_eq!(
      parse(&["--policy", "p.json", "main.ts"]).policy,
      Some(PathBuf::from("p.json"))
    );
    let cli = Cli::try_parse_from(["knit", "policy", "explain", "p.json"]).unwrap();
    assert!(
      matches!(cli.command, Command::Policy(PolicyCommand::Explain { file: Some(f) }) if f == PathBuf::from("p.json"))
    );
    let cli = Cli::try_parse_from(["knit", "policy", "explain"]).unwrap();
    assert!(matches!(
      cli.command,
      Command::Policy(PolicyCommand::Explain { file: None })
    ));
  }

  #[test]
  fn unknown_flag_is_a_usage_error() {
    let error = Cli::try_parse_from(["knit", "run", "--allow-everything", "main.ts"])
      .err()
      .unwrap();
    assert_eq!(error.exit_code(), 2);
  }
}
