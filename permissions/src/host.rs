//! Workers never exceed the host: a worker's grants are the intersection of
//! its pool's policy and the `knit` process's own permissions (its flags).

use std::path::PathBuf;

use deno_permissions::PermissionsOptions;

use crate::resolve::Access;
use crate::resolve::Context;
use crate::resolve::Resolved;

/// What the host process may do, in the same terms as a resolved policy.
#[derive(Clone, Debug)]
pub struct HostGrants {
  read: Access<PathBuf>,
  write: Access<PathBuf>,
  net: Access<String>,
  env: Access<String>,
  run: Access<String>,
  ffi: Access<PathBuf>,
  sys: Access<String>,
  import: Access<String>,
  deny_read: Vec<PathBuf>,
  deny_write: Vec<PathBuf>,
  deny_net: Vec<String>,
  deny_env: Vec<String>,
  deny_run: Vec<String>,
  deny_ffi: Vec<PathBuf>,
  deny_sys: Vec<String>,
}

fn names(option: &Option<Vec<String>>) -> Access<String> {
  match option {
    None => Access::Nothing,
    Some(list) if list.is_empty() => Access::All,
    Some(list) => Access::Only(list.clone()),
  }
}

fn paths(option: &Option<Vec<String>>, context: &Context) -> Access<PathBuf> {
  match names(option) {
    Access::Only(list) => Access::Only(list.iter().map(|p| context.path(p)).collect()),
    Access::All => Access::All,
    Access::Nothing => Access::Nothing,
  }
}

impl HostGrants {
  /// The host's grants from its `deno_permissions` options (paths resolved
  /// in `context`). Deno's default import hosts count as granted imports.
  pub fn from_options(options: &PermissionsOptions, context: &Context) -> Self {
    let list = |option: &Option<Vec<String>>| option.clone().unwrap_or_default();
    Self {
      read: paths(&options.allow_read, context),
      write: paths(&options.allow_write, context),
      net: names(&options.allow_net),
      env: names(&options.allow_env),
      run: names(&options.allow_run),
      ffi: paths(&options.allow_ffi, context),
      sys: names(&options.allow_sys),
      import: names(&options.allow_import),
      deny_read: list(&options.deny_read).iter().map(|p| context.path(p)).collect(),
      deny_write: list(&options.deny_write).iter().map(|p| context.path(p)).collect(),
      deny_net: list(&options.deny_net),
      deny_env: list(&options.deny_env),
      deny_run: list(&options.deny_run),
      deny_ffi: list(&options.deny_ffi).iter().map(|p| context.path(p)).collect(),
      deny_sys: list(&options.deny_sys),
    }
  }
}

/// Paths both allow: a policy path inside a host path stays; a host path
/// inside a policy path takes its place.
fn intersect_paths(policy: &Access<PathBuf>, host: &Access<PathBuf>) -> Access<PathBuf> {
  match (policy, host) {
    (Access::Nothing, _) | (_, Access::Nothing) => Access::Nothing,
    (p, Access::All) => p.clone(),
    (Access::All, h) => h.clone(),
    (Access::Only(p), Access::Only(h)) => {
      let mut out = Vec::new();
      for a in p {
        for b in h {
          let both = if a.starts_with(b) {
            a
          } else if b.starts_with(a) {
            b
          } else {
            continue;
          };
          if !out.contains(both) {
            out.push(both.clone());
          }
        }
      }
      Access::Only(out)
    }
  }
}

/// Names both allow (env vars, commands, hosts; a host grant without a port
/// covers every port of that host).
fn intersect_names(policy: &Access<String>, host: &Access<String>) -> Access<String> {
  match (policy, host) {
    (Access::Nothing, _) | (_, Access::Nothing) => Access::Nothing,
    (p, Access::All) => p.clone(),
    (Access::All, h) => h.clone(),
    (Access::Only(p), Access::Only(h)) => Access::Only(
      p.iter()
        .filter(|name| {
          h.iter()
            .any(|g| g == *name || name.split(':').next() == Some(g.as_str()))
        })
        .cloned()
        .collect(),
    ),
  }
}

/// `a` then what `b` adds (linear: deny lists can be long).
fn joined<T: Clone + Eq + std::hash::Hash>(mut a: Vec<T>, b: &[T]) -> Vec<T> {
  let mut seen: std::collections::HashSet<T> = a.iter().cloned().collect();
  a.extend(b.iter().filter(|item| seen.insert((*item).clone())).cloned());
  a
}

/// `intersect(asked, has)`, noting `name` in `narrowed` when that took
/// something away.
fn narrow<T: PartialEq>(
  name: &'static str,
  asked: &Access<T>,
  has: &Access<T>,
  intersect: fn(&Access<T>, &Access<T>) -> Access<T>,
  narrowed: &mut Vec<&'static str>,
) -> Access<T> {
  let got = intersect(asked, has);
  if &got != asked {
    narrowed.push(name);
  }
  got
}

/// Narrow a policy to what the host has. Returns the narrowed policy and the
/// capabilities the policy asked for but did not fully get.
pub fn within_host(policy: Resolved, host: &HostGrants) -> (Resolved, Vec<&'static str>) {
  let mut narrowed = Vec::new();
  let n = &mut narrowed;
  let read = narrow("read", &policy.read, &host.read, intersect_paths, n);
  let write = narrow("write", &policy.write, &host.write, intersect_paths, n);
  let ffi = narrow("ffi", &policy.ffi, &host.ffi, intersect_paths, n);
  let net = narrow("net", &policy.net, &host.net, intersect_names, n);
  let env = narrow("env", &policy.env, &host.env, intersect_names, n);
  let run = narrow("run", &policy.run, &host.run, intersect_names, n);
  let sys = narrow("sys", &policy.sys, &host.sys, intersect_names, n);
  let import = narrow("import", &policy.import, &host.import, intersect_names, n);
  let resolved = Resolved {
    read,
    write,
    ffi,
    net,
    env,
    run,
    sys,
    import,
    deny_read: joined(policy.deny_read, &host.deny_read),
    deny_write: joined(policy.deny_write, &host.deny_write),
    deny_net: joined(policy.deny_net, &host.deny_net),
    deny_env: joined(policy.deny_env, &host.deny_env),
    deny_run: joined(policy.deny_run, &host.deny_run),
    deny_ffi: joined(policy.deny_ffi, &host.deny_ffi),
    deny_sys: joined(policy.deny_sys, &host.deny_sys),
    ..policy
  };
  (resolved, narrowed)
}

#[cfg(test)]
mod tests {
  use std::path::Path;

  use super::*;
  use crate::policy::Policy;
  use crate::resolve::resolve;

  fn context() -> Context {
    Context {
      cwd: PathBuf::from("/project"),
      home: None,
      task_modules: vec![],
      program_files: vec![],
    }
  }

  fn host(options: PermissionsOptions) -> HostGrants {
    HostGrants::from_options(&options, &context())
  }

  #[test]
  fn unsafe_under_a_narrow_host_gets_only_the_host_grants() {
    let policy = resolve(&Policy::from_json(&serde_json::json!("unsafe")).unwrap(), &context());
    let (got, narrowed) = within_host(
      policy,
      &host(PermissionsOptions {
        allow_read: Some(vec![".".into()]),
        ..Default::default()
      }),
    );
    assert_eq!(got.read, Access::Only(vec![PathBuf::from("/project")]));
    assert!(got.net.is_nothing() && got.env.is_nothing() && got.run.is_nothing());
    assert_eq!(
      narrowed,
      vec!["read", "write", "ffi", "net", "env", "run", "sys", "import"]
    );
  }

  #[test]
  fn paths_intersect_by_containment() {
    let asked = Access::Only(vec![PathBuf::from("/project"), PathBuf::from("/data/a")]);
    let has = Access::Only(vec![PathBuf::from("/project/src"), PathBuf::from("/data")]);
    assert_eq!(
      intersect_paths(&asked, &has),
      Access::Only(vec![PathBuf::from("/project/src"), PathBuf::from("/data/a")])
    );
  }

  #[test]
  fn an_allow_all_host_changes_nothing_and_host_denies_are_added() {
    let policy = resolve(&Policy::default(), &context());
    let (got, narrowed) = within_host(
      policy.clone(),
      &host(PermissionsOptions {
        allow_read: Some(vec![]),
        allow_write: Some(vec![]),
        deny_read: Some(vec!["/project/secret".into()]),
        ..Default::default()
      }),
    );
    assert!(narrowed.is_empty(), "{narrowed:?}");
    assert_eq!(got.read, policy.read);
    assert!(got.deny_read.contains(&PathBuf::from("/project/secret")));
    assert!(Path::new("/project/secret").starts_with("/project"));
  }

  #[test]
  fn host_names_without_a_port_cover_every_port() {
    let asked = Access::Only(vec!["example.com:443".to_string(), "other.org".to_string()]);
    let has = Access::Only(vec!["example.com".to_string()]);
    assert_eq!(
      intersect_names(&asked, &has),
      Access::Only(vec!["example.com:443".to_string()])
    );
  }
}
