//! A startup snapshot of the whole runtime (deno_runtime's extensions plus
//! this one), so a worker starts from a serialized heap instead of running
//! every extension's JS again: ~230 ms -> ~23 ms per MainWorker on QuickJS
//! (see the notes on start-up).
//!
//! It is made once per `knit` binary, on first use, in a child process (the
//! snapshot writer prints to stdout and must own its thread), and kept in
//! the cache directory: `<dir>/runtime.snap` and `<dir>/residual.json`, the
//! lazily loaded sources the snapshot did not consume (transpiled), which a
//! runtime from the snapshot still needs.

use std::path::Path;
use std::path::PathBuf;

use deno_core::ModuleCodeString;
use serde::Deserialize;
use serde::Serialize;

use deno_knitting::BoxError;

/// A loaded snapshot, for the process's lifetime.
pub struct RuntimeSnapshot {
  pub blob: &'static [u8],
  pub residual_js: &'static [(&'static str, &'static str)],
  pub residual_esm: &'static [(&'static str, &'static str)],
}

/// `residual.json`: the residual sources, and what the blob must be.
#[derive(Serialize, Deserialize)]
struct Manifest {
  /// The blob's length and checksum: a truncated or damaged cache file
  /// (a full disk, a crash mid-copy) is made again instead of handed to the
  /// engine, whose snapshot reader aborts the process on bad data.
  blob_len: usize,
  blob_checksum: u64,
  residual: Vec<Residual>,
}

#[derive(Serialize, Deserialize)]
struct Residual {
  specifier: String,
  esm: bool,
  source: String,
}

/// A fast checksum of every byte (not a defence against tampering: the
/// cache is the user's own): ~1.8 ms for an 8 MiB blob.
fn checksum(bytes: &[u8]) -> u64 {
  let mut words = bytes.chunks_exact(8);
  let mut hash = 0xcbf2_9ce4_8422_2325_u64 ^ bytes.len() as u64;
  for word in &mut words {
    hash = (hash.rotate_left(23) ^ u64::from_le_bytes(word.try_into().unwrap())).wrapping_mul(0x0100_0000_01b3);
  }
  for &byte in words.remainder() {
    hash = (hash.rotate_left(23) ^ byte as u64).wrapping_mul(0x0100_0000_01b3);
  }
  hash
}

const BLOB: &str = "runtime.snap";
const RESIDUAL: &str = "residual.json";

/// Write the snapshot of this binary's runtime into `dir`. Meant for a
/// child process: it prints build-script lines on stdout.
pub fn create(dir: &Path) -> Result<(), BoxError> {
  std::fs::create_dir_all(dir)?;
  let partial = dir.join(format!("{BLOB}.{}", std::process::id()));
  let output = deno_runtime::snapshot::create_runtime_snapshot(
    partial.clone(),
    Default::default(),
    vec![deno_knitting::deno_knitting::lazy_init()],
  );
  let consumed: std::collections::HashSet<_> = output.consumed_lazy_specifiers.into_iter().collect();
  let mut residual = Vec::new();
  for file in output.lazy_extension_files {
    if consumed.contains(&file.specifier) {
      continue;
    }
    let source = std::fs::read_to_string(&file.path)?;
    let name = deno_core::ModuleName::from(file.specifier.clone());
    let (code, _) = deno_runtime::transpile::maybe_transpile_source(name, ModuleCodeString::from(source))?;
    residual.push(Residual {
      specifier: file.specifier,
      esm: file.kind == deno_runtime::snapshot::LazyExtensionFileKind::Esm,
      source: code.as_str().to_string(),
    });
  }
  let blob = std::fs::read(&partial)?;
  let manifest = Manifest {
    blob_len: blob.len(),
    blob_checksum: checksum(&blob),
    residual,
  };
  let residual_partial = dir.join(format!("{RESIDUAL}.{}", std::process::id()));
  std::fs::write(&residual_partial, serde_json::to_vec(&manifest)?)?;
  // Readers see both files complete or neither.
  std::fs::rename(&residual_partial, dir.join(RESIDUAL))?;
  std::fs::rename(&partial, dir.join(BLOB))?;
  Ok(())
}

/// The extension's JS sources, read from where this binary was built:
/// deno_core records their paths at build time and reads them whenever a
/// runtime is made without a snapshot, or a snapshot is made (deno_runtime's
/// own extensions likewise, from its crates' sources). Err names the first
/// one that cannot be read, so a binary moved away from its build tree says
/// so instead of failing deep inside the engine.
pub fn check_sources() -> Result<(), String> {
  let extension = deno_knitting::deno_knitting::lazy_init();
  let files = extension.esm_files.iter().chain(extension.js_files.iter());
  for file in files {
    if let Err(error) = file.load() {
      return Err(format!(
        "{} ({error}); knit reads its extension's JS from the tree it was built in ({}) until it has made its startup \
         snapshot: build knit again from its sources (scripts/setup.sh, then cargo build --release -p knit), or run \
         this binary where that tree is",
        file.specifier,
        deno_knitting::JS_DIR,
      ));
    }
  }
  Ok(())
}

/// Load a snapshot written by [`create`], or None if there is none or it is
/// not whole (then the files are removed, so it is made again).
pub fn load(dir: &Path) -> Option<RuntimeSnapshot> {
  let blob = std::fs::read(dir.join(BLOB)).ok()?;
  let manifest: Manifest = match serde_json::from_slice(&std::fs::read(dir.join(RESIDUAL)).ok()?) {
    Ok(manifest) => manifest,
    Err(_) => return discard(dir),
  };
  if manifest.blob_len != blob.len() || manifest.blob_checksum != checksum(&blob) {
    return discard(dir);
  }
  let leak = |s: String| -> &'static str { Box::leak(s.into_boxed_str()) };
  let (mut js, mut esm) = (Vec::new(), Vec::new());
  for file in manifest.residual {
    let entry = (leak(file.specifier), leak(file.source));
    if file.esm {
      esm.push(entry);
    } else {
      js.push(entry);
    }
  }
  Some(RuntimeSnapshot {
    blob: Box::leak(blob.into_boxed_slice()),
    residual_js: Box::leak(js.into_boxed_slice()),
    residual_esm: Box::leak(esm.into_boxed_slice()),
  })
}

fn discard(dir: &Path) -> Option<RuntimeSnapshot> {
  let _ = std::fs::remove_file(dir.join(BLOB));
  let _ = std::fs::remove_file(dir.join(RESIDUAL));
  None
}

/// The cache directory for this binary's snapshot: one per build of the
/// executable (its size and modification time) and of the extension's JS
/// (which deno_core reads from `js/` when the snapshot is made, not from
/// the binary), so knit never loads a snapshot of different code.
pub fn cache_dir(exe: &Path, cache_root: &Path) -> Option<PathBuf> {
  let meta = std::fs::metadata(exe).ok()?;
  let modified = meta
    .modified()
    .ok()?
    .duration_since(std::time::UNIX_EPOCH)
    .ok()?
    .as_nanos();
  Some(cache_root.join(format!(
    "snapshot-{}-{}-{:x}-{:x}",
    env!("CARGO_PKG_VERSION"),
    deno_knitting::JS_DIGEST,
    meta.len(),
    modified
  )))
}

/// Delete the snapshots of other knit builds next to `dir` (each is ~8 MB).
pub fn remove_others(dir: &Path) {
  let (Some(parent), Some(own)) = (dir.parent(), dir.file_name()) else {
    return;
  };
  let Ok(entries) = std::fs::read_dir(parent) else { return };
  for entry in entries.flatten() {
    let name = entry.file_name();
    if name != own && name.to_string_lossy().starts_with("snapshot-") {
      let _ = std::fs::remove_dir_all(entry.path());
    }
  }
}

#[cfg(test)]
mod tests {
  use super::*;

  fn temp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("knitting-snapshot-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
  }

  #[test]
  fn each_build_of_the_executable_gets_its_own_directory() {
    let root = temp("dirs");
    let exe = root.join("knit");
    std::fs::write(&exe, b"one build").unwrap();
    let first = cache_dir(&exe, &root).unwrap();
    assert_eq!(cache_dir(&exe, &root).unwrap(), first, "stable for one build");
    std::fs::write(&exe, b"another, longer build").unwrap();
    assert_ne!(
      cache_dir(&exe, &root).unwrap(),
      first,
      "a rebuilt binary never reads an old snapshot"
    );
  }

  fn write_manifest(dir: &Path, blob: &[u8]) {
    let manifest = format!(
      r#"{{"blob_len":{},"blob_checksum":{},"residual":[{{"specifier":"ext:x/a.js","esm":false,"source":"1"}}]}}"#,
      blob.len(),
      checksum(blob)
    );
    std::fs::write(dir.join(RESIDUAL), manifest).unwrap();
  }

  #[test]
  fn a_missing_or_partial_snapshot_is_not_loaded() {
    let dir = temp("partial");
    assert!(load(&dir).is_none());
    std::fs::write(dir.join(BLOB), b"a snapshot blob").unwrap();
    assert!(load(&dir).is_none(), "no residual sources yet");
    write_manifest(&dir, b"a snapshot blob");
    let loaded = load(&dir).unwrap();
    assert_eq!(loaded.blob, b"a snapshot blob");
    assert_eq!(loaded.residual_js, &[("ext:x/a.js", "1")]);
    assert!(loaded.residual_esm.is_empty());
  }

  #[test]
  fn a_truncated_or_damaged_snapshot_is_discarded() {
    let dir = temp("damaged");
    let blob = b"a snapshot blob of some length".to_vec();
    write_manifest(&dir, &blob);
    std::fs::write(dir.join(BLOB), &blob[..10]).unwrap();
    assert!(load(&dir).is_none(), "truncated");
    assert!(
      !dir.join(BLOB).exists() && !dir.join(RESIDUAL).exists(),
      "removed, to be made again"
    );
    write_manifest(&dir, &blob);
    let mut damaged = blob.clone();
    damaged[17] ^= 0x20;
    std::fs::write(dir.join(BLOB), &damaged).unwrap();
    assert!(load(&dir).is_none(), "one bit flipped");
    std::fs::write(dir.join(BLOB), b"blob").unwrap();
    std::fs::write(dir.join(RESIDUAL), b"[1, 2").unwrap();
    assert!(load(&dir).is_none(), "a damaged manifest");
  }

  #[test]
  fn other_builds_snapshots_are_removed() {
    let root = temp("others");
    for name in ["snapshot-old", "snapshot-current", "target"] {
      std::fs::create_dir_all(root.join(name)).unwrap();
    }
    remove_others(&root.join("snapshot-current"));
    assert!(!root.join("snapshot-old").exists());
    assert!(root.join("snapshot-current").exists());
    assert!(root.join("target").exists(), "only snapshots are touched");
  }
}
