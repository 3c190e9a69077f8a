//! Workers never exceed the host: a worker's grants are the intersection of
//! its pool's policy and the `knit` process's own permissions (its flags).

use std::path::PathBuf;

use deno_permissions::PermissionsOptions;

use crate::capability::Access;
use crate::capability::Capability;
use crate::capability::Grants;
use crate::policy::Policy;
use crate::resolve::resolve;
use crate::resolve::Context;
use crate::resolve::Resolved;

/// What `--allow-x` means: absent, nothing; empty, everything; else a list.
fn names(option: &Option<Vec<String>>) -> Access<String> {
  match option {
    None => Access::Nothing,
    Some(list) if list.is_empty() => Access::All,
    Some(list) => Access::Only(list.clone()),
  }
}

fn name_capability(allow: &Option<Vec<String>>, deny: &Option<Vec<String>>) -> Capability<String> {
  Capability {
    allow: names(allow),
    deny: deny.clone().unwrap_or_default(),
  }
}

fn path_capability(allow: &Option<Vec<String>>, deny: &Option<Vec<String>>, context: &Context) -> Capability<PathBuf> {
  name_capability(allow, deny).map(|p| context.path(p))
}

/// The host's grants from its `deno_permissions` options (paths resolved
/// in `context`).
pub fn host_grants(options: &PermissionsOptions, context: &Context) -> Grants {
  Grants {
    read: path_capability(&options.allow_read, &options.deny_read, context),
    write: path_capability(&options.allow_write, &options.deny_write, context),
    ffi: path_capability(&options.allow_ffi, &options.deny_ffi, context),
    net: name_capability(&options.allow_net, &options.deny_net),
    env: name_capability(&options.allow_env, &options.deny_env),
    run: name_capability(&options.allow_run, &options.deny_run),
    sys: name_capability(&options.allow_sys, &options.deny_sys),
    import: Capability::only(names(&options.allow_import)),
  }
}

/// The policy of one pool, the one entry point for it: `policy` resolved
/// where the process runs (the pool's task modules readable, the program's
/// files not writable) and narrowed to what the host may do (its
/// `deno_permissions` options). Also the capabilities the policy asked for
/// and did not fully get, for the caller to tell the user.
pub fn pool_policy(
  policy: &Policy,
  host: &PermissionsOptions,
  task_modules: Vec<PathBuf>,
  program_files: Vec<PathBuf>,
) -> std::io::Result<(Resolved, Vec<&'static str>)> {
  let context = Context::from_process(task_modules, program_files)?;
  Ok(within_host(resolve(policy, &context), &host_grants(host, &context)))
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

/// A capability both allow: the intersection of the allows (`intersect`),
/// the union of the denies; `name` is noted in `narrowed` when the host took
/// something of the allow away.
fn narrow<T: Clone + Eq + std::hash::Hash>(
  name: &'static str,
  asked: Capability<T>,
  has: &Capability<T>,
  intersect: fn(&Access<T>, &Access<T>) -> Access<T>,
  narrowed: &mut Vec<&'static str>,
) -> Capability<T> {
  let allow = intersect(&asked.allow, &has.allow);
  if allow != asked.allow {
    narrowed.push(name);
  }
  Capability {
    allow,
    deny: joined(asked.deny, &has.deny),
  }
}

/// Narrow a policy to what the host has. Returns the narrowed policy and the
/// capabilities the policy asked for but did not fully get.
pub fn within_host(policy: Resolved, host: &Grants) -> (Resolved, Vec<&'static str>) {
  let mut narrowed = Vec::new();
  let n = &mut narrowed;
  let asked = policy.grants;
  let grants = Grants {
    read: narrow("read", asked.read, &host.read, intersect_paths, n),
    write: narrow("write", asked.write, &host.write, intersect_paths, n),
    ffi: narrow("ffi", asked.ffi, &host.ffi, intersect_paths, n),
    net: narrow("net", asked.net, &host.net, intersect_names, n),
    env: narrow("env", asked.env, &host.env, intersect_names, n),
    run: narrow("run", asked.run, &host.run, intersect_names, n),
    sys: narrow("sys", asked.sys, &host.sys, intersect_names, n),
    import: narrow("import", asked.import, &host.import, intersect_names, n),
  };
  (Resolved { grants, ..policy }, narrowed)
}

#[cfg(test)]
mod tests {
  use std::path::Path;

  use super::*;

  fn context() -> Context {
    Context {
      cwd: PathBuf::from("/project"),
      home: None,
      task_modules: vec![],
      program_files: vec![],
    }
  }

  fn host(options: PermissionsOptions) -> Grants {
    host_grants(&options, &context())
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
    assert_eq!(got.grants.read.allow, Access::Only(vec![PathBuf::from("/project")]));
    assert!(
      got.grants.net.allow.is_nothing() && got.grants.env.allow.is_nothing() && got.grants.run.allow.is_nothing()
    );
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
    assert_eq!(got.grants.read.allow, policy.grants.read.allow);
    assert!(got.grants.read.deny.contains(&PathBuf::from("/project/secret")));
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
