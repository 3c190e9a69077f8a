//! Resolving a policy into what a worker may touch: absolute,
//! canonical paths (so a symlink cannot lead out of an allowed directory
//! unnoticed), and explicit lists or "all" per capability.

use std::path::Component;
use std::path::Path;
use std::path::PathBuf;

use crate::capability::Access;
use crate::capability::Capability;
use crate::capability::Grants;
use crate::policy::Grant;
use crate::policy::Mode;
use crate::policy::OneOrMany;
use crate::policy::Policy;

/// The resolved policy of one pool: what its workers may touch.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Resolved {
  pub mode: Mode,
  pub grants: Grants,
  /// Whether task code's console output is shown.
  pub console: bool,
}

impl Resolved {
  /// Whether nothing is checked at all (see [`Grants::are_everything`]).
  pub fn grants_everything(&self) -> bool {
    self.grants.are_everything()
  }
}

/// Where a policy is resolved: the directory relative paths start from, the
/// user's home (for `~`), the files of the pool's task modules, and the
/// program's own files (see [`crate::ProgramFiles`]).
#[derive(Clone, Debug)]
pub struct Context {
  pub cwd: PathBuf,
  pub home: Option<PathBuf>,
  pub task_modules: Vec<PathBuf>,
  pub program_files: Vec<PathBuf>,
}

impl Context {
  pub fn from_process(task_modules: Vec<PathBuf>, program_files: Vec<PathBuf>) -> std::io::Result<Self> {
    Ok(Self {
      cwd: std::env::current_dir()?,
      home: std::env::var_os("HOME").map(PathBuf::from),
      task_modules,
      program_files,
    })
  }
}

const PROJECT_SECRETS: [&str; 5] = [".env", ".git", ".npmrc", ".docker", ".secrets"];
/// What configures the program in its directory: never writable by strict
/// task code, whether or not the program uses it yet.
const PROJECT_CONFIG: [&str; 7] = [
  "deno.json",
  "deno.jsonc",
  "package.json",
  "package-lock.json",
  "deno.lock",
  "tsconfig.json",
  "import_map.json",
];
const HOME_SECRETS: [&str; 6] = [".ssh", ".gnupg", ".aws", ".azure", ".config/gcloud", ".kube"];
const SYSTEM_DENY_READ: [&str; 7] = [
  "/proc",
  "/proc/self",
  "/proc/self/environ",
  "/proc/self/mem",
  "/sys",
  "/dev",
  "/etc",
];

/// An absolute, normalised path with symlinks resolved as far as the path
/// exists (the rest is appended as written). `/proc` and `/dev` keep their
/// names: their "symlinks" are per-process magic.
pub fn canonical(path: &Path) -> PathBuf {
  let normal = normalize(path);
  if normal.starts_with("/proc") || normal.starts_with("/dev") {
    return normal;
  }
  let mut existing = normal.as_path();
  let mut rest = Vec::new();
  loop {
    if let Ok(real) = std::fs::canonicalize(existing) {
      return rest.iter().rev().fold(real, |acc: PathBuf, part| acc.join(part));
    }
    match (existing.parent(), existing.file_name()) {
      (Some(parent), Some(name)) => {
        rest.push(name.to_os_string());
        existing = parent;
      }
      _ => return normal,
    }
  }
}

fn normalize(path: &Path) -> PathBuf {
  let mut out = PathBuf::new();
  for component in path.components() {
    match component {
      Component::ParentDir => {
        out.pop();
      }
      Component::CurDir => {}
      other => out.push(other.as_os_str()),
    }
  }
  out
}

impl Context {
  /// A path from a policy: `~` is home, relative paths start at cwd,
  /// `file:` URLs are paths.
  pub fn path(&self, text: &str) -> PathBuf {
    let text = text.strip_prefix("file://").unwrap_or(text);
    let path = match (text.strip_prefix('~'), &self.home) {
      (Some(rest), Some(home)) if rest.is_empty() || rest.starts_with('/') => home.join(rest.trim_start_matches('/')),
      _ => PathBuf::from(text),
    };
    canonical(&self.cwd.join(path))
  }

  fn paths(&self, list: &[String]) -> Vec<PathBuf> {
    list.iter().map(|p| self.path(p)).collect()
  }
}

fn grant_paths(grant: &Grant, context: &Context) -> Access<PathBuf> {
  match grant {
    Grant::All => Access::All,
    Grant::Nothing => Access::Nothing,
    Grant::List(list) => Access::Only(context.paths(list)),
  }
}

fn grant_names(grant: &Grant) -> Access<String> {
  match grant {
    Grant::All => Access::All,
    Grant::Nothing => Access::Nothing,
    Grant::List(list) => Access::Only(list.clone()),
  }
}

/// `list` without repeats, in order (linear: deny lists can be long).
fn dedup<T: Eq + std::hash::Hash + Clone>(list: Vec<T>) -> Vec<T> {
  let mut seen = std::collections::HashSet::with_capacity(list.len());
  list.into_iter().filter(|item| seen.insert(item.clone())).collect()
}

/// Resolve a policy in a context. Pure apart from reading the file system
/// to resolve symlinks.
pub fn resolve(policy: &Policy, context: &Context) -> Resolved {
  let object = &policy.object;
  let mode = policy.mode();
  if mode == Mode::Unsafe {
    return Resolved {
      mode,
      grants: Grants::everything(),
      console: object.console.unwrap_or(true),
    };
  }
  let cwd_text = object.cwd.clone();
  let context = &match cwd_text {
    Some(cwd) => Context {
      cwd: context.path(&cwd),
      ..context.clone()
    },
    None => context.clone(),
  };
  let cwd = canonical(&context.cwd);
  let env_files: Vec<PathBuf> = match &object.env.as_ref().and_then(|e| e.files.clone()) {
    Some(OneOrMany::One(file)) => vec![context.path(file)],
    Some(OneOrMany::Many(files)) => context.paths(files),
    None => vec![cwd.join(".env")],
  };

  let read = match &object.read {
    Some(grant) => grant_paths(grant, context),
    None => {
      let mut list = vec![cwd.clone(), cwd.join("node_modules")];
      list.extend(context.task_modules.iter().map(|p| canonical(p)));
      list.extend(env_files);
      list.push(cwd.join("deno.lock"));
      Access::Only(dedup(list))
    }
  };
  let write = match &object.write {
    Some(grant) => grant_paths(grant, context),
    None => Access::Only(vec![cwd.clone()]),
  };

  let mut secrets: Vec<PathBuf> = PROJECT_SECRETS.iter().map(|name| cwd.join(name)).collect();
  if let Some(home) = &context.home {
    secrets.extend(HOME_SECRETS.iter().map(|name| canonical(&home.join(name))));
  }
  let explicit_deny_read = object.deny_read.as_ref().map(|list| context.paths(list));
  let deny_read = match (mode, explicit_deny_read) {
    (Mode::Custom, Some(list)) => list,
    (_, explicit) => {
      let mut list = secrets.clone();
      list.extend(SYSTEM_DENY_READ.iter().map(PathBuf::from));
      list.extend(explicit.unwrap_or_default());
      list
    }
  };
  let explicit_deny_write = object.deny_write.as_ref().map(|list| context.paths(list));
  let deny_write = match (mode, explicit_deny_write) {
    (Mode::Custom, Some(list)) => list,
    (_, explicit) => {
      let mut list = secrets;
      list.push(cwd.join("node_modules"));
      list.extend(PROJECT_CONFIG.iter().map(|name| cwd.join(name)));
      list.extend(context.task_modules.iter().map(|p| canonical(p)));
      list.extend(context.program_files.iter().map(|p| canonical(p)));
      list.extend(explicit.unwrap_or_default());
      list
    }
  };

  let legacy_run = object.node.as_ref().and_then(|n| n.allow_child_process) == Some(true)
    || object.deno.as_ref().and_then(|d| d.allow_run) == Some(true);
  let run = match &object.run {
    Some(grant) => grant_names(grant),
    None if legacy_run => Access::All,
    None => Access::Nothing,
  };
  let env = object.env.as_ref();
  let names = |grant: Option<&Grant>, deny: Option<&Vec<String>>| Capability {
    allow: grant.map_or(Access::Nothing, grant_names),
    deny: deny.cloned().unwrap_or_default(),
  };
  Resolved {
    mode,
    grants: Grants {
      read: Capability {
        allow: read,
        deny: dedup(deny_read),
      },
      write: Capability {
        allow: write,
        deny: dedup(deny_write),
      },
      ffi: Capability {
        allow: object.ffi.as_ref().map_or(Access::Nothing, |g| grant_paths(g, context)),
        deny: object.deny_ffi.as_ref().map(|l| context.paths(l)).unwrap_or_default(),
      },
      net: names(object.net.as_ref(), object.deny_net.as_ref()),
      env: names(env.and_then(|e| e.allow.as_ref()), env.and_then(|e| e.deny.as_ref())),
      run: Capability {
        allow: run,
        deny: object.deny_run.clone().unwrap_or_default(),
      },
      sys: names(object.sys.as_ref(), object.deny_sys.as_ref()),
      import: names(object.allow_import.as_ref(), None),
    },
    console: object.console.unwrap_or(false),
  }
}

#[cfg(test)]
pub(crate) mod tests {
  use serde_json::json;

  use super::*;

  /// A fresh, canonical directory per test (tests run in parallel, so each
  /// passes its own name), for this crate's tests.
  pub(crate) fn temp_project(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("knitting-permissions-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    canonical(&dir)
  }

  fn context(cwd: &Path) -> Context {
    Context {
      cwd: cwd.to_path_buf(),
      home: Some(PathBuf::from("/home/someone")),
      task_modules: vec![PathBuf::from("/elsewhere/tasks.ts")],
      program_files: vec![],
    }
  }

  fn resolve_json(value: serde_json::Value, cwd: &Path) -> Resolved {
    resolve(&Policy::from_json(&value).unwrap(), &context(cwd))
  }

  #[test]
  fn strict_default_reads_the_project_and_task_modules_and_denies_secrets() {
    let cwd = temp_project("strict");
    let policy = resolve_json(json!(null), &cwd);
    assert_eq!(
      policy.grants.read.allow,
      Access::Only(vec![
        cwd.clone(),
        cwd.join("node_modules"),
        PathBuf::from("/elsewhere/tasks.ts"),
        cwd.join(".env"),
        cwd.join("deno.lock"),
      ])
    );
    assert_eq!(policy.grants.write.allow, Access::Only(vec![cwd.clone()]));
    for denied in [
      cwd.join(".env"),
      cwd.join(".git"),
      PathBuf::from("/home/someone/.ssh"),
      PathBuf::from("/etc"),
    ] {
      assert!(policy.grants.read.deny.contains(&denied), "{denied:?} is denied");
    }
    assert!(policy.grants.write.deny.contains(&cwd.join("node_modules")));
    for config in ["deno.json", "package.json", "package-lock.json"] {
      assert!(
        policy.grants.write.deny.contains(&cwd.join(config)),
        "{config} is not writable"
      );
    }
    assert!(
      policy.grants.write.deny.contains(&PathBuf::from("/elsewhere/tasks.ts")),
      "task modules are not writable"
    );
    assert!(
      !policy.grants.write.deny.contains(&PathBuf::from("/etc")),
      "upstream does not list /etc for writes"
    );
    for nothing in [
      &policy.grants.net.allow,
      &policy.grants.env.allow,
      &policy.grants.run.allow,
      &policy.grants.sys.allow,
      &policy.grants.import.allow,
    ] {
      assert!(nothing.is_nothing());
    }
    assert!(policy.grants.ffi.allow.is_nothing());
    assert!(!policy.console, "strict silences task output");
  }

  #[test]
  fn repeated_entries_are_listed_once_in_order() {
    let cwd = temp_project("repeats");
    let policy = resolve_json(
      json!({ "mode": "custom", "denyRead": ["./b", "./a", "./b", "./a", "./c"] }),
      &cwd,
    );
    assert_eq!(
      policy.grants.read.deny,
      vec![cwd.join("b"), cwd.join("a"), cwd.join("c")]
    );
  }

  #[test]
  fn strict_denies_writing_the_programs_own_files() {
    let cwd = temp_project("program");
    let context = Context {
      program_files: vec![cwd.join("main.ts"), cwd.join("lib/util.ts")],
      ..context(&cwd)
    };
    let strict = resolve(&Policy::default(), &context);
    assert!(strict.grants.write.deny.contains(&cwd.join("main.ts")));
    assert!(strict.grants.write.deny.contains(&cwd.join("lib/util.ts")));
    assert_eq!(
      strict.grants.write.allow,
      Access::Only(vec![cwd.clone()]),
      "the rest of the project stays writable"
    );
    let custom = Policy::from_json(&json!({ "mode": "custom", "write": ["."], "denyWrite": [] })).unwrap();
    assert!(
      resolve(&custom, &context).grants.write.deny.is_empty(),
      "an explicit custom denyWrite replaces the defaults"
    );
  }

  #[test]
  fn unsafe_allows_everything_and_keeps_the_console() {
    let policy = resolve_json(json!("unsafe"), Path::new("/"));
    assert_eq!(policy.grants.read.allow, Access::All);
    assert_eq!(policy.grants.net.allow, Access::All);
    assert!(policy.grants.read.deny.is_empty());
    assert!(policy.console);
  }

  #[test]
  fn explicit_lists_replace_the_defaults_and_denies_stay() {
    let cwd = temp_project("lists");
    let policy = resolve_json(
      json!({ "read": ["./data", "~/notes"], "net": ["example.com:443"], "env": { "allow": ["LANG"] }, "console": true }),
      &cwd,
    );
    assert_eq!(
      policy.grants.read.allow,
      Access::Only(vec![cwd.join("data"), PathBuf::from("/home/someone/notes")])
    );
    assert_eq!(policy.grants.net.allow, Access::Only(vec!["example.com:443".into()]));
    assert_eq!(policy.grants.env.allow, Access::Only(vec!["LANG".into()]));
    assert!(policy.grants.read.deny.contains(&PathBuf::from("/etc")));
    assert!(policy.console);
  }

  #[test]
  fn custom_with_explicit_deny_read_replaces_the_default_denies() {
    let cwd = temp_project("custom");
    let policy = resolve_json(json!({ "mode": "custom", "denyRead": ["./private"] }), &cwd);
    assert_eq!(policy.grants.read.deny, vec![cwd.join("private")]);
    let strict = resolve_json(json!({ "mode": "strict", "denyRead": ["./private"] }), &cwd);
    assert!(
      strict.grants.read.deny.contains(&cwd.join("private"))
        && strict.grants.read.deny.contains(&PathBuf::from("/etc"))
    );
  }

  #[test]
  fn symlinks_resolve_to_their_targets() {
    let cwd = temp_project("links");
    let target = cwd.join("real");
    std::fs::create_dir_all(&target).unwrap();
    std::os::unix::fs::symlink(&target, cwd.join("link")).unwrap();
    assert_eq!(canonical(&cwd.join("link/file.txt")), target.join("file.txt"));
    assert_eq!(canonical(&cwd.join("link/../missing/x")), cwd.join("missing/x"));
    assert_eq!(
      canonical(Path::new("/proc/self/environ")),
      PathBuf::from("/proc/self/environ")
    );
    let policy = resolve_json(json!({ "read": ["./link"] }), &cwd);
    assert_eq!(policy.grants.read.allow, Access::Only(vec![target]));
  }

  #[test]
  fn legacy_run_switches_allow_subprocesses() {
    let policy = resolve_json(json!({ "node": { "allowChildProcess": true } }), Path::new("/"));
    assert_eq!(policy.grants.run.allow, Access::All);
  }
}
