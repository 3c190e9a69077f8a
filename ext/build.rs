// The extension's JS is not compiled into the binary: deno_core reads it
// from `js/` when the startup snapshot is made. So cargo must rebuild when
// it changes, and the snapshot cache key must change with it
// (`KNITTING_JS_DIGEST`, exported as `JS_DIGEST` for knitting_runtime's
// `snapshot::cache_dir`).
use std::hash::Hasher;

fn main() {
  let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../js");
  println!("cargo:rerun-if-changed={}", dir.display());
  let mut files: Vec<_> = std::fs::read_dir(&dir)
    .expect("the js/ directory next to ext/")
    .map(|entry| entry.expect("a readable js/ entry").path())
    .collect();
  files.sort();
  let mut digest = std::collections::hash_map::DefaultHasher::new();
  for file in files {
    println!("cargo:rerun-if-changed={}", file.display());
    digest.write(file.file_name().unwrap().as_encoded_bytes());
    digest.write(&std::fs::read(&file).expect("a readable js/ file"));
  }
  println!("cargo:rustc-env=KNITTING_JS_DIGEST={:016x}", digest.finish());
}
