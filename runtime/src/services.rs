//! What every runtime of the process shares: deno_runtime's service types
//! as knit instantiates them, one SharedArrayBuffer store, one feature
//! checker.

use std::sync::Arc;
use std::sync::OnceLock;

use deno_core::SharedArrayBufferStore;
use deno_runtime::FeatureChecker;
use deno_runtime::UnstableFeatureKind;
use deno_runtime::UNSTABLE_FEATURES;

pub(crate) type NpmChecker = deno_resolver::npm::DenoInNpmPackageChecker;
pub(crate) type NpmResolver = deno_resolver::npm::NpmResolver<sys_traits::impls::RealSys>;
pub(crate) type Sys = sys_traits::impls::RealSys;

/// One store for the whole process, so SharedArrayBuffers posted between
/// any two isolates stay shared.
pub(crate) fn shared_array_buffer_store() -> SharedArrayBufferStore {
  static STORE: OnceLock<SharedArrayBufferStore> = OnceLock::new();
  STORE.get_or_init(Default::default).clone()
}

/// Every unstable runtime API on, as `deno run --unstable-*` would have it:
/// knit has no such flags, and deno_features' default is to end the whole
/// process (exit 70) when any code, task code included, touches one
/// (`Deno.listen({ reusePort })`, a Worker's `deno.permissions`). The APIs
/// keep their permission checks.
pub(crate) fn feature_checker() -> Arc<FeatureChecker> {
  static CHECKER: OnceLock<Arc<FeatureChecker>> = OnceLock::new();
  CHECKER
    .get_or_init(|| {
      let mut checker = FeatureChecker::default();
      for feature in UNSTABLE_FEATURES
        .iter()
        .filter(|f| matches!(f.kind, UnstableFeatureKind::Runtime))
      {
        checker.enable_feature(feature.name);
      }
      Arc::new(checker)
    })
    .clone()
}
