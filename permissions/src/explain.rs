//! `knit policy explain`: a resolved policy as text, so a user sees what
//! "strict" means on their machine.

use std::fmt::Display;
use std::fmt::Write;
use std::path::PathBuf;

use crate::resolve::Access;
use crate::resolve::Resolved;

fn allow<T: Display>(access: &Access<T>) -> String {
  match access {
    Access::Nothing => "nothing".into(),
    Access::All => "everything".into(),
    Access::Only(list) if list.is_empty() => "nothing".into(),
    Access::Only(list) => list
      .iter()
      .map(ToString::to_string)
      .collect::<Vec<_>>()
      .join("\n               "),
  }
}

fn deny<T: Display>(list: &[T]) -> String {
  if list.is_empty() {
    "-".into()
  } else {
    list
      .iter()
      .map(ToString::to_string)
      .collect::<Vec<_>>()
      .join("\n               ")
  }
}

struct Shown<'a>(&'a PathBuf);
impl Display for Shown<'_> {
  fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
    write!(f, "{}", self.0.display())
  }
}

fn paths(access: &Access<PathBuf>) -> Access<Shown<'_>> {
  match access {
    Access::Nothing => Access::Nothing,
    Access::All => Access::All,
    Access::Only(list) => Access::Only(list.iter().map(Shown).collect()),
  }
}

fn path_list(list: &[PathBuf]) -> Vec<Shown<'_>> {
  list.iter().map(Shown).collect()
}

/// The allow and deny lists of a resolved policy, one capability a block.
pub fn explain(policy: &Resolved, source: &str) -> String {
  let mut out = String::new();
  let _ = writeln!(out, "policy: {} ({source})", policy.mode.name());
  let mut row = |name: &str, allowed: String, denied: String| {
    let _ = writeln!(out, "{name:<7} allow  {allowed}");
    if denied != "-" {
      let _ = writeln!(out, "{:<7} deny   {denied}", "");
    }
  };
  row("read", allow(&paths(&policy.read)), deny(&path_list(&policy.deny_read)));
  row(
    "write",
    allow(&paths(&policy.write)),
    deny(&path_list(&policy.deny_write)),
  );
  row("net", allow(&policy.net), deny(&policy.deny_net));
  row("env", allow(&policy.env), deny(&policy.deny_env));
  row("run", allow(&policy.run), deny(&policy.deny_run));
  row("ffi", allow(&paths(&policy.ffi)), deny(&path_list(&policy.deny_ffi)));
  row("sys", allow(&policy.sys), deny(&policy.deny_sys));
  row("import", allow(&policy.import), "-".into());
  let _ = writeln!(out, "console {}", if policy.console { "shown" } else { "silenced" });
  out
}
