//! What a denial inside a pool worker advises. Deno says "run again with the
//! --allow-env flag", which is wrong advice there: a worker gets what its
//! pool's `permission` policy allows (within knit's own flags), so the
//! advice names the policy entry that opens the resource.

/// `deno_permissions`' per-thread denial advice for pool worker threads.
pub fn pool_denial_advice(name: &'static str, access: &str) -> String {
  let value = quoted(access);
  let entry = match (name, value) {
    ("env", Some(value)) => format!("env: {{ allow: [\"{value}\"] }}"),
    ("env", None) => "env: { allow: [...] }".to_string(),
    ("import", Some(value)) => format!("allowImport: [\"{value}\"]"),
    ("read" | "write" | "net" | "run" | "ffi" | "sys", Some(value)) => format!("{name}: [\"{value}\"]"),
    ("read" | "write" | "net" | "run" | "ffi" | "sys", None) => format!("{name}: true"),
    _ => return "this pool's permission policy does not allow it (see `knit policy explain`)".to_string(),
  };
  let flag = if name == "import" { "net" } else { name };
  format!(
    "this pool's permission policy does not allow it: open it with createPool({{ permission: {{ {entry} }} }}) \
     (knit itself needs --allow-{flag} for it too; a path on the policy's deny list stays denied, see `knit policy explain`)"
  )
}

/// `read access to "/etc/hosts"` -> `/etc/hosts`.
fn quoted(access: &str) -> Option<&str> {
  let start = access.find('"')? + 1;
  let end = access.rfind('"')?;
  (end > start).then(|| &access[start..end])
}

#[cfg(test)]
mod tests {
  use super::*;

  #[test]
  fn advice_names_the_policy_entry() {
    let env = pool_denial_advice("env", "env access to \"SECRET\"");
    assert!(env.contains("permission: { env: { allow: [\"SECRET\"] } }"), "{env}");
    assert!(!env.contains("run again"), "{env}");
    let read = pool_denial_advice("read", "read access to \"/data/x.csv\"");
    assert!(read.contains("permission: { read: [\"/data/x.csv\"] }"), "{read}");
    let import = pool_denial_advice("import", "import access to \"example.com:443\"");
    assert!(
      import.contains("allowImport: [\"example.com:443\"]") && import.contains("--allow-net"),
      "{import}"
    );
    let all_env = pool_denial_advice("env", "env access");
    assert!(all_env.contains("env: { allow: [...] }"), "{all_env}");
  }
}
