#!/usr/bin/env bash
# Checks types/knitting.d.ts against examples/ and types/usage.ts with
# TypeScript (fetched once with npm into the cache next to the build).
set -euo pipefail
cd "$(dirname "$0")/.."
tsc_home="${KNIT_CACHE:-$HOME/.cache/knitting}/tsc"
tsc="$tsc_home/node_modules/.bin/tsc"
if [ ! -x "$tsc" ]; then
  npm install --silent --no-audit --no-fund --prefix "$tsc_home" typescript@5.9 >/dev/null
fi
"$tsc" -p types/tsconfig.json
echo "types: ok"
