#!/usr/bin/env bash
# Installs what the QuickJS build of deno_core needs on Debian (run as root),
# and Node's npm, which fetches TypeScript to check types/knitting.d.ts.
set -euo pipefail
need=()
command -v cmake >/dev/null || need+=(cmake)
command -v clang >/dev/null || need+=(clang)
[ -f /usr/include/simde/simde-common.h ] || need+=(libsimde-dev)
ls /usr/lib/llvm-*/lib/libclang.so* >/dev/null 2>&1 || need+=(libclang-dev)
command -v npm >/dev/null || need+=(nodejs npm)
if [ ${#need[@]} -gt 0 ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}"
fi
command -v cargo >/dev/null || { echo "error: cargo (Rust toolchain) is required" >&2; exit 1; }
