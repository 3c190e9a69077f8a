//! The program's own files, which strict task code may not write.

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::Mutex;

/// Files that make up the program: its modules and its configuration
/// (`deno.json`, `package.json`, an import map). A task that rewrote one
/// would have its code run with the host's rights the next time the program
/// loads it (or the next `knit run -A`), so the strict policy denies writing
/// them. Filled as the host loads them; a pool is protected from the files
/// loaded before it was made.
#[derive(Debug, Default)]
pub struct ProgramFiles(Mutex<BTreeSet<PathBuf>>);

impl ProgramFiles {
  pub fn insert(&self, path: PathBuf) {
    self.0.lock().unwrap_or_else(|e| e.into_inner()).insert(path);
  }

  /// The files recorded so far.
  pub fn list(&self) -> Vec<PathBuf> {
    self
      .0
      .lock()
      .unwrap_or_else(|e| e.into_inner())
      .iter()
      .cloned()
      .collect()
  }
}
