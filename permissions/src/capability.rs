//! One type per capability, as `deno_permissions` holds them
//! (`UnaryPermission`: what it allows, and what it denies inside that), and
//! the eight of them together: what a pool's policy grants, or the host.

use std::path::PathBuf;

/// What one capability allows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Access<T> {
  Nothing,
  All,
  Only(Vec<T>),
}

impl<T> Access<T> {
  pub fn is_nothing(&self) -> bool {
    matches!(self, Access::Nothing) || matches!(self, Access::Only(list) if list.is_empty())
  }

  /// The same access over other items (names as paths, paths as text).
  pub fn map<'a, U>(&'a self, f: impl FnMut(&'a T) -> U) -> Access<U> {
    match self {
      Access::Nothing => Access::Nothing,
      Access::All => Access::All,
      Access::Only(list) => Access::Only(list.iter().map(f).collect()),
    }
  }
}

/// One capability: what it allows, and what stays denied within that (a
/// deny wins over an allow, as in Deno).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Capability<T> {
  pub allow: Access<T>,
  pub deny: Vec<T>,
}

impl<T> Capability<T> {
  pub fn all() -> Self {
    Self {
      allow: Access::All,
      deny: vec![],
    }
  }

  pub fn only(allow: Access<T>) -> Self {
    Self { allow, deny: vec![] }
  }

  /// The same capability over other items, allow and deny alike.
  pub fn map<'a, U>(&'a self, mut f: impl FnMut(&'a T) -> U) -> Capability<U> {
    Capability {
      allow: self.allow.map(&mut f),
      deny: self.deny.iter().map(f).collect(),
    }
  }
}

/// Every capability: files (read, write, ffi) by canonical path, the rest
/// by name (hosts, variables, commands, sys calls, import hosts).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Grants {
  pub read: Capability<PathBuf>,
  pub write: Capability<PathBuf>,
  pub ffi: Capability<PathBuf>,
  pub net: Capability<String>,
  pub env: Capability<String>,
  pub run: Capability<String>,
  pub sys: Capability<String>,
  /// Hosts of remote modules (no deny list: Deno has none for imports).
  pub import: Capability<String>,
}

impl Grants {
  /// Everything, nothing denied (the `unsafe` policy).
  pub fn everything() -> Self {
    Self {
      read: Capability::all(),
      write: Capability::all(),
      ffi: Capability::all(),
      net: Capability::all(),
      env: Capability::all(),
      run: Capability::all(),
      sys: Capability::all(),
      import: Capability::all(),
    }
  }

  /// Whether nothing is checked at all: every capability allowed, nothing
  /// denied (then Deno hands paths over as they were asked for, symlinks
  /// and all, instead of resolved).
  pub fn are_everything(&self) -> bool {
    fn all<T>(capability: &Capability<T>) -> bool {
      matches!(capability.allow, Access::All) && capability.deny.is_empty()
    }
    all(&self.read)
      && all(&self.write)
      && all(&self.ffi)
      && all(&self.net)
      && all(&self.env)
      && all(&self.run)
      && all(&self.sys)
      && all(&self.import)
  }
}
