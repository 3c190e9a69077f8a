#!/usr/bin/env bash
# Checks the extension's JS (js/): formatted as prettier writes it
# (js/.prettierrc.json; fix with `--fix`), and type-checked as JavaScript
# by TypeScript (js/tsconfig.json: undefined names, wrong arities, misspelt
# members, unused locals). Both tools are fetched once with npm into the
# cache next to the build.
set -euo pipefail
cd "$(dirname "$0")/.."
tools="${KNIT_CACHE:-$HOME/.cache/knitting}/tsc"
if [ ! -x "$tools/node_modules/.bin/tsc" ] || [ ! -x "$tools/node_modules/.bin/prettier" ]; then
  npm install --silent --no-audit --no-fund --prefix "$tools" typescript@5.9 prettier@3.10.1 >/dev/null
fi
if [ "${1:-}" = "--fix" ]; then
  "$tools/node_modules/.bin/prettier" --log-level warn --write "js/*.js"
else
  "$tools/node_modules/.bin/prettier" --log-level warn --check "js/*.js" ||
    { echo "js/ is not formatted: bash scripts/lint_js.sh --fix" >&2; exit 1; }
fi
"$tools/node_modules/.bin/tsc" -p js
echo "js: formatted, types ok"
