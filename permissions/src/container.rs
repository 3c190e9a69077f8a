//! A resolved policy as a `deno_permissions` container: the same engine
//! `deno run` uses checks every file, network, env, run, ffi, sys and
//! import access of task code, with no prompt. Paths asked for are
//! canonicalised before the check, so a symlink inside an allowed directory
//! is judged by where it leads.

use std::borrow::Cow;
use std::path::Path;
use std::path::PathBuf;
use std::sync::Arc;

use deno_permissions::*;
use sys_traits::impls::RealSys;

use crate::capability::Access;
use crate::capability::Capability;
use crate::resolve::canonical;
use crate::resolve::Resolved;

/// How a path or a name is written in `deno_permissions` options.
trait OptionText {
  fn option_text(&self) -> String;
}

impl OptionText for PathBuf {
  fn option_text(&self) -> String {
    self.to_string_lossy().into_owned()
  }
}

impl OptionText for String {
  fn option_text(&self) -> String {
    self.clone()
  }
}

/// A capability as `deno_permissions` options: the allow (`None` = not
/// granted, `Some([])` = all, a list = those) and the deny list.
fn options<T: OptionText>(capability: &Capability<T>) -> (Option<Vec<String>>, Option<Vec<String>>) {
  let texts = |list: &[T]| list.iter().map(OptionText::option_text).collect();
  let allow = match &capability.allow {
    access if access.is_nothing() => None,
    Access::Only(list) => Some(texts(list)),
    _ => Some(vec![]),
  };
  let deny = (!capability.deny.is_empty()).then(|| texts(&capability.deny));
  (allow, deny)
}

/// The policy in `deno_permissions` terms, never prompting.
pub fn to_options(policy: &Resolved) -> PermissionsOptions {
  let grants = &policy.grants;
  let (allow_read, deny_read) = options(&grants.read);
  let (allow_write, deny_write) = options(&grants.write);
  let (allow_ffi, deny_ffi) = options(&grants.ffi);
  let (allow_net, deny_net) = options(&grants.net);
  let (allow_env, deny_env) = options(&grants.env);
  let (allow_run, deny_run) = options(&grants.run);
  let (allow_sys, deny_sys) = options(&grants.sys);
  let (allow_import, _) = options(&grants.import);
  PermissionsOptions {
    allow_read,
    deny_read,
    allow_write,
    deny_write,
    allow_net,
    deny_net,
    allow_env,
    deny_env,
    allow_run,
    deny_run,
    allow_ffi,
    deny_ffi,
    allow_sys,
    deny_sys,
    allow_import,
    deny_import: None,
    ignore_env: None,
    ignore_read: None,
    prompt: false,
  }
}

/// Deno's descriptor parser, except that a path asked for is resolved
/// through its symlinks first (the error still names the path as written).
#[derive(Debug)]
pub struct CanonicalPathParser {
  inner: RuntimePermissionDescriptorParser<RealSys>,
}

impl Default for CanonicalPathParser {
  fn default() -> Self {
    Self {
      inner: RuntimePermissionDescriptorParser::new(RealSys),
    }
  }
}

impl PermissionDescriptorParser for CanonicalPathParser {
  fn parse_read_descriptor(&self, text: &str) -> Result<ReadDescriptor, PathResolveError> {
    self.inner.parse_read_descriptor(text)
  }
  fn parse_write_descriptor(&self, text: &str) -> Result<WriteDescriptor, PathResolveError> {
    self.inner.parse_write_descriptor(text)
  }
  fn parse_net_descriptor(&self, text: &str) -> Result<NetDescriptor, NetDescriptorParseError> {
    self.inner.parse_net_descriptor(text)
  }
  fn parse_import_descriptor(&self, text: &str) -> Result<ImportDescriptor, NetDescriptorParseError> {
    self.inner.parse_import_descriptor(text)
  }
  fn parse_env_descriptor(&self, text: &str) -> Result<EnvDescriptor, EnvDescriptorParseError> {
    self.inner.parse_env_descriptor(text)
  }
  fn parse_sys_descriptor(&self, text: &str) -> Result<SysDescriptor, SysDescriptorParseError> {
    self.inner.parse_sys_descriptor(text)
  }
  fn parse_allow_run_descriptor(&self, text: &str) -> Result<AllowRunDescriptorParseResult, RunDescriptorParseError> {
    self.inner.parse_allow_run_descriptor(text)
  }
  fn parse_deny_run_descriptor(&self, text: &str) -> Result<DenyRunDescriptor, PathResolveError> {
    self.inner.parse_deny_run_descriptor(text)
  }
  fn parse_ffi_descriptor(&self, text: &str) -> Result<FfiDescriptor, PathResolveError> {
    self.inner.parse_ffi_descriptor(text)
  }
  fn parse_path_query<'a>(&self, path: Cow<'a, Path>) -> Result<PathQueryDescriptor<'a>, PathResolveError> {
    let absolute = match path.is_absolute() {
      true => path.to_path_buf(),
      false => std::env::current_dir()
        .map_err(PathResolveError::CwdResolve)?
        .join(&path),
    };
    let resolved = canonical(&absolute);
    if resolved == absolute {
      return self.inner.parse_path_query(path);
    }
    let requested = path.to_string_lossy().into_owned();
    Ok(PathQueryDescriptor::new_known_absolute(Cow::Owned(resolved)).with_requested(requested))
  }
  /// The path as it was checked. Deno's parser resolves it again here, after
  /// the check, and the open then uses that second answer: a task renaming
  /// a directory away and back could get a path that was never checked
  /// (`holder/lnk/secret` judged while `holder` was missing, opened through
  /// `lnk` once it was back). The checked path has no symlinks left, and the
  /// open follows none (`deno_fs::set_open_without_symlinks_for_thread`).
  fn parse_special_file_descriptor<'a>(
    &self,
    path: PathQueryDescriptor<'a>,
  ) -> Result<SpecialFilePathQueryDescriptor<'a>, PathResolveError> {
    Ok(SpecialFilePathQueryDescriptor::from_path_query_no_canonicalize(path))
  }
  fn parse_net_query(&self, text: &str) -> Result<NetDescriptor, NetDescriptorParseError> {
    self.inner.parse_net_query(text)
  }
  fn parse_run_query<'a>(&self, requested: &'a str) -> Result<RunQueryDescriptor<'a>, RunDescriptorParseError> {
    self.inner.parse_run_query(requested)
  }
}

/// A fresh permissions container for one worker.
pub fn container(policy: &Resolved) -> Result<PermissionsContainer, PermissionsFromOptionsError> {
  let parser = Arc::new(CanonicalPathParser::default());
  let permissions = Permissions::from_options(parser.as_ref(), &to_options(policy))?;
  Ok(PermissionsContainer::new(parser, permissions))
}

#[cfg(test)]
mod tests {
  use std::path::PathBuf;

  use super::*;
  use crate::policy::Policy;
  use crate::resolve::resolve;
  use crate::resolve::tests::temp_project;
  use crate::resolve::Context;

  fn strict_container(cwd: &Path) -> PermissionsContainer {
    let context = Context {
      cwd: cwd.to_path_buf(),
      home: Some(PathBuf::from("/home/someone")),
      task_modules: vec![],
      program_files: vec![],
    };
    container(&resolve(&Policy::default(), &context)).unwrap()
  }

  fn can_read(container: &PermissionsContainer, path: &Path) -> bool {
    container
      .check_open(Cow::Borrowed(path), OpenAccessKind::Read, Some("test"))
      .is_ok()
  }

  #[test]
  fn strict_reads_the_project_but_not_secrets_or_the_system() {
    let cwd = temp_project("container-strict");
    std::fs::write(cwd.join("data.txt"), "ok").unwrap();
    let container = strict_container(&cwd);
    assert!(can_read(&container, &cwd.join("data.txt")));
    assert!(!can_read(&container, &cwd.join(".env")));
    assert!(!can_read(&container, Path::new("/etc/hostname")));
    assert!(!can_read(&container, Path::new("/home/someone/.ssh/id_rsa")));
    assert!(container.check_env("HOME").is_err());
    assert!(container
      .check_run(&RunQueryDescriptor::Name("true".into()), "test")
      .is_err());
  }

  #[test]
  fn the_path_handed_to_the_open_is_the_path_that_was_checked() {
    let cwd = temp_project("container-checked");
    std::fs::create_dir(cwd.join("real")).unwrap();
    std::fs::write(cwd.join("real/data.txt"), "ok").unwrap();
    std::os::unix::fs::symlink(cwd.join("real"), cwd.join("alias")).unwrap();
    let container = strict_container(&cwd);
    let checked = container
      .check_open(
        Cow::Owned(cwd.join("alias/data.txt")),
        OpenAccessKind::Read,
        Some("test"),
      )
      .unwrap();
    // Resolved once, when checked; not again afterwards (a rename race
    // could otherwise swap what the second resolution finds).
    assert_eq!(checked.as_ref() as &Path, cwd.join("real/data.txt"));
  }

  #[test]
  fn a_symlink_in_the_project_is_judged_by_its_target() {
    let cwd = temp_project("container-symlink");
    std::os::unix::fs::symlink("/etc/hostname", cwd.join("innocent")).unwrap();
    let container = strict_container(&cwd);
    let error = container
      .check_open(Cow::Owned(cwd.join("innocent")), OpenAccessKind::Read, Some("test"))
      .unwrap_err()
      .to_string();
    assert!(error.contains("innocent"), "the error names the path as asked: {error}");
  }
}
