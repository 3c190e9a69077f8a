//! Module sources made ready to load, once per process: parsed by deno_ast,
//! TypeScript transpiled (with a source map), and the module's static
//! imports listed (the loader lets a module that was allowed to load bring
//! in what it imports statically; see `module_loader.rs`).
//!
//! The host and every pool worker load the same files, and a worker would
//! otherwise spend ~1 ms of its start-up per module parsing and transpiling
//! them again. Entries are keyed by specifier and checked against a hash of
//! the source, so an edited file is prepared anew.

use std::collections::HashMap;
use std::hash::BuildHasher;
use std::sync::Arc;
use std::sync::Mutex;
use std::sync::OnceLock;

use deno_ast::swc::ast::ModuleDecl;
use deno_ast::swc::ast::ModuleItem;
use deno_ast::MediaType;
use deno_ast::ModuleKind;
use deno_ast::ParseParams;
use deno_ast::ParsedSource;
use deno_ast::ProgramRef;
use deno_ast::SourceMapOption;
use deno_core::error::ModuleLoaderError;
use deno_core::ModuleSpecifier;
use deno_error::JsErrorBox;

use crate::resolution::Resolution;
use crate::resolution::TranspileConfig;

pub struct Prepared {
  source_hash: u64,
  /// JavaScript, ready for the engine (for CommonJS: the module's body,
  /// which `require` runs and Deno's CJS analysis reads).
  pub code: String,
  pub source_map: Option<Vec<u8>>,
  /// The specifiers of `import … from "x"`, `export … from "x"` (as
  /// written, unresolved).
  pub static_imports: Vec<String>,
  /// CommonJS (`.cjs`, or `.js` under `"type": "commonjs"` and written as a
  /// script): loaded through deno_node's `require`.
  pub is_cjs: bool,
}

#[derive(Default)]
struct Cache {
  entries: Mutex<HashMap<ModuleSpecifier, Arc<Prepared>>>,
  hasher: std::hash::RandomState,
}

fn cache() -> &'static Cache {
  static CACHE: OnceLock<Cache> = OnceLock::new();
  CACHE.get_or_init(Cache::default)
}

/// `code` (of `media_type`) ready to load, compiled as the program's
/// configuration says; from the cache when the same source was prepared
/// before in this process.
pub fn prepare(
  resolution: &Resolution,
  specifier: &ModuleSpecifier,
  code: String,
  media_type: MediaType,
) -> Result<Arc<Prepared>, ModuleLoaderError> {
  let config = resolution.transpile_config(specifier)?;
  let cache = cache();
  let source_hash = cache.hasher.hash_one((&code, config.hash));
  if let Some(hit) = cache.entries.lock().unwrap().get(specifier) {
    if hit.source_hash == source_hash {
      return Ok(hit.clone());
    }
  }
  let fresh = Arc::new(prepare_now(
    resolution,
    specifier,
    code,
    media_type,
    &config,
    source_hash,
  )?);
  cache.entries.lock().unwrap().insert(specifier.clone(), fresh.clone());
  Ok(fresh)
}

fn prepare_now(
  resolution: &Resolution,
  specifier: &ModuleSpecifier,
  code: String,
  media_type: MediaType,
  config: &TranspileConfig,
  source_hash: u64,
) -> Result<Prepared, ModuleLoaderError> {
  let transpile = !matches!(media_type, MediaType::JavaScript | MediaType::Mjs | MediaType::Cjs);
  let maybe_cjs = resolution.is_maybe_cjs(specifier, media_type)?;
  let parsed = deno_ast::parse_program(ParseParams {
    specifier: specifier.clone(),
    text: code.as_str().into(),
    media_type,
    capture_tokens: maybe_cjs,
    scope_analysis: false,
    maybe_syntax: None,
  })
  .map_err(JsErrorBox::from_err)?;
  let is_cjs = maybe_cjs && resolution.is_cjs(specifier, media_type, parsed.compute_is_script())?;
  let static_imports = static_imports(&parsed);
  if !transpile {
    return Ok(Prepared {
      source_hash,
      code,
      source_map: None,
      static_imports,
      is_cjs,
    });
  }
  let emitted = parsed
    .transpile(
      &config.options,
      &deno_ast::TranspileModuleOptions {
        module_kind: Some(if is_cjs { ModuleKind::Cjs } else { ModuleKind::Esm }),
      },
      &deno_ast::EmitOptions {
        source_map: SourceMapOption::Separate,
        inline_sources: true,
        ..Default::default()
      },
    )
    .map_err(JsErrorBox::from_err)?
    .into_source();
  Ok(Prepared {
    source_hash,
    code: emitted.text,
    source_map: emitted.source_map.map(String::into_bytes),
    static_imports,
    is_cjs,
  })
}

fn static_imports(parsed: &ParsedSource) -> Vec<String> {
  let ProgramRef::Module(module) = parsed.program_ref() else {
    return Vec::new();
  };
  module
    .body
    .iter()
    .filter_map(|item| match item {
      ModuleItem::ModuleDecl(ModuleDecl::Import(import)) => Some(&import.src),
      ModuleItem::ModuleDecl(ModuleDecl::ExportAll(export)) => Some(&export.src),
      ModuleItem::ModuleDecl(ModuleDecl::ExportNamed(export)) => export.src.as_ref(),
      _ => None,
    })
    .filter_map(|src| src.value.as_str().map(str::to_owned))
    .collect()
}

#[cfg(test)]
mod tests {
  use super::*;
  use crate::resolution::ResolutionOptions;

  /// No deno.json or package.json: Deno's defaults.
  fn no_config() -> Arc<Resolution> {
    Resolution::new(ResolutionOptions {
      cwd: std::env::temp_dir().join("prepare-test-no-config"),
      ..Default::default()
    })
    .unwrap()
  }

  #[test]
  fn typescript_is_prepared_once_per_source_text() {
    let resolution = no_config();
    let url = ModuleSpecifier::parse("file:///prepare-test/a.ts").unwrap();
    let source = "import { b } from \"./b.ts\";\nexport * from './c.js';\nexport { d } from \"./d.ts\";\n\
                  const a: number = 1;\nconst later = () => import(\"./dynamic.ts\");\nexport { a, b, later };\n";
    let first = prepare(&resolution, &url, source.into(), MediaType::TypeScript).unwrap();
    assert!(first.code.contains("const a = 1"), "types are gone: {}", first.code);
    assert!(first.source_map.is_some());
    assert_eq!(
      first.static_imports,
      ["./b.ts", "./c.js", "./d.ts"],
      "import() is not a static import"
    );
    let again = prepare(&resolution, &url, source.into(), MediaType::TypeScript).unwrap();
    assert!(
      Arc::ptr_eq(&first, &again),
      "a second runtime reuses the first one's work"
    );
    let edited = prepare(
      &resolution,
      &url,
      "const a: number = 2;\nexport { a };\n".into(),
      MediaType::TypeScript,
    )
    .unwrap();
    assert!(
      edited.code.contains("const a = 2"),
      "an edited file is prepared again: {}",
      edited.code
    );
    assert!(edited.static_imports.is_empty());
  }

  #[test]
  fn javascript_is_loaded_as_written() {
    let resolution = no_config();
    let url = ModuleSpecifier::parse("file:///prepare-test/plain.js").unwrap();
    let source = "import x from './x.js';\nexport default x + 1;\n";
    let prepared = prepare(&resolution, &url, source.into(), MediaType::JavaScript).unwrap();
    assert_eq!(prepared.code, source);
    assert_eq!(prepared.static_imports, ["./x.js"]);
  }

  #[test]
  fn cjs_files_are_commonjs_and_scripts_elsewhere_are_not() {
    let resolution = no_config();
    let cjs = ModuleSpecifier::parse("file:///prepare-test/legacy.cjs").unwrap();
    let prepared = prepare(&resolution, &cjs, "module.exports = 1;\n".into(), MediaType::Cjs).unwrap();
    assert!(prepared.is_cjs);
    assert!(prepared.static_imports.is_empty());
    // Without a package.json saying "type": "commonjs", a .js script is ESM (as in Deno).
    let js = ModuleSpecifier::parse("file:///prepare-test/script.js").unwrap();
    let prepared = prepare(&resolution, &js, "globalThis.x = 1;\n".into(), MediaType::JavaScript).unwrap();
    assert!(!prepared.is_cjs);
    // TypeScript written as CommonJS compiles to CommonJS.
    let cts = ModuleSpecifier::parse("file:///prepare-test/helper.cts").unwrap();
    let prepared = prepare(
      &resolution,
      &cts,
      "const n: number = 2;\nmodule.exports = { n };\n".into(),
      MediaType::Cts,
    )
    .unwrap();
    assert!(prepared.is_cjs);
    assert!(prepared.code.contains("module.exports"), "{}", prepared.code);
  }
}
