#!/usr/bin/env bash
# Runs the tests: Rust unit tests, the API types against the examples, the
# JS lint (scripts/lint_js.sh), a type-check of the `v8` engine build, then
# each tests/*.test.ts under `knit -A`.
#
#   bash scripts/test.sh                          # everything
#   bash scripts/test.sh tests/pool.test.ts ...   # only these JS files
#   bash scripts/test.sh --filter abort [FILE...] # only JS tests whose name contains "abort"
#
# Each JS test is bounded (240 s, the harness's --timeout), each file too.
# Closes with "N passed, N failed" over the JS tests; exits non-zero on any failure.
set -uo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh

filter=()
files=()
while [ $# -gt 0 ]; do
  case "$1" in
    --filter)
      [ $# -ge 2 ] || { echo "--filter needs the text a test name contains" >&2; exit 2; }
      filter=(--filter "$2")
      shift 2
      ;;
    -h | --help)
      sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'
      exit 0
      ;;
    *)
      [ -f "$1" ] || { echo "no such test file: $1" >&2; exit 2; }
      files+=("$1")
      shift
      ;;
  esac
done

files_given=yes
if [ ${#files[@]} -eq 0 ]; then
  files_given=no
  files=(tests/*.test.ts)
  # The Rust tests and the type check only with the whole suite.
  if [ ${#filter[@]} -eq 0 ]; then
    cargo test --release --workspace || exit 1
    # The extension needs deno_core only (deno_runtime is knitting_runtime's).
    if cargo tree -p deno_knitting -e normal | grep -q "deno_runtime"; then
      echo "!! deno_knitting depends on deno_runtime (cargo tree -p deno_knitting)"
      exit 1
    fi
    bash scripts/typecheck.sh || exit 1
    bash scripts/lint_js.sh || exit 1
    # The v8 build type-checks without downloading V8 (docs.rs mode): it
    # proves the engine-agnostic code compiles against rusty_v8's API; it
    # does not link or run on V8 (README, "Engine").
    DOCS_RS=1 cargo check --no-default-features --features v8 -p knit || exit 1
  fi
fi
cargo build --release -p knit || exit 1
knit="$CARGO_TARGET_DIR/release/knit"
if [ ${#filter[@]} -eq 0 ] && [ "$files_given" = no ]; then
  # The embedding example (examples/embed) runs a pool from its own runtime.
  echo "== examples/embed"
  out=$(cargo run --release -q -p knitting-embed 2>&1)
  echo "$out"
  grep -q "^squares: 1 4 9 16 25$" <<<"$out" || { echo "!! examples/embed did not print the squares"; exit 1; }
  # More of the API on deno_core alone: a timeout that interrupts a stuck
  # worker, an error class, 1 MiB each way, an object.
  out=$(cargo run --release -q -p knitting-embed -- examples/embed/more.js 2>&1)
  echo "$out"
  want='more: 10 | TaskTimeoutError: Task timeout | RangeError: out of range | 1048576 | true | {"a":1,"seen":true}'
  grep -qxF "$want" <<<"$out" || { echo "!! examples/embed/more.js printed something else"; exit 1; }
fi

passed=0
failed=0
status=0
for file in "${files[@]}"; do
  echo "== $file"
  log=$(mktemp)
  timeout 900 "$knit" run -A "$file" ${filter[@]+"${filter[@]}"} 2>&1 | tee "$log"
  code=${PIPESTATUS[0]}
  line=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$log" | tail -n 1)
  if [ -n "$line" ]; then
    passed=$((passed + $(echo "$line" | cut -d' ' -f1)))
    failed=$((failed + $(echo "$line" | cut -d' ' -f3)))
  else
    echo "!! $file ended without a summary (exit $code)"
    failed=$((failed + 1))
  fi
  [ "$code" -eq 0 ] || status=1
  rm -f "$log"
done
echo "js: $passed passed, $failed failed"
if [ ${#filter[@]} -gt 0 ] && [ $((passed + failed)) -eq 0 ]; then
  echo "no test name contains \"${filter[1]}\""
  status=1
fi
[ "$failed" -eq 0 ] || status=1
exit $status
