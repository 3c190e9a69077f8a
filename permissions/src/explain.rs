//! `knit policy explain`: a resolved policy as text, so a user sees what
//! "strict" means on their machine.

use std::fmt::Display;
use std::fmt::Write;
use std::path::PathBuf;

use crate::capability::Access;
use crate::capability::Capability;
use crate::resolve::Resolved;

fn listed<T: Display>(list: &[T]) -> String {
  list
    .iter()
    .map(ToString::to_string)
    .collect::<Vec<_>>()
    .join("\n               ")
}

/// What a capability allows and denies, as text (the deny `None` when empty).
fn shown<T: Display>(capability: &Capability<T>) -> (String, Option<String>) {
  let allowed = match &capability.allow {
    Access::All => "everything".into(),
    Access::Only(list) if !list.is_empty() => listed(list),
    _ => "nothing".into(),
  };
  (allowed, (!capability.deny.is_empty()).then(|| listed(&capability.deny)))
}

struct Shown<'a>(&'a PathBuf);
impl Display for Shown<'_> {
  fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
    write!(f, "{}", self.0.display())
  }
}

fn paths(capability: &Capability<PathBuf>) -> Capability<Shown<'_>> {
  capability.map(Shown)
}

/// The allow and deny lists of a resolved policy, one capability a block.
pub fn explain(policy: &Resolved, source: &str) -> String {
  let mut out = String::new();
  let _ = writeln!(out, "policy: {} ({source})", policy.mode.name());
  let mut row = |name: &str, (allowed, denied): (String, Option<String>)| {
    let _ = writeln!(out, "{name:<7} allow  {allowed}");
    if let Some(denied) = denied {
      let _ = writeln!(out, "{:<7} deny   {denied}", "");
    }
  };
  let grants = &policy.grants;
  row("read", shown(&paths(&grants.read)));
  row("write", shown(&paths(&grants.write)));
  row("net", shown(&grants.net));
  row("env", shown(&grants.env));
  row("run", shown(&grants.run));
  row("ffi", shown(&paths(&grants.ffi)));
  row("sys", shown(&grants.sys));
  row("import", shown(&grants.import));
  let _ = writeln!(out, "console {}", if policy.console { "shown" } else { "silenced" });
  out
}
