#!/usr/bin/env bash
# Runs every test: Rust unit tests, the API types against the examples, then
# each tests/*.test.ts under `knit -A`.
# Closes with "N passed, N failed" over the JS tests; exits non-zero on any failure.
set -uo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh

cargo test --release --workspace || exit 1
bash scripts/typecheck.sh || exit 1
cargo build --release -p knit || exit 1
knit="$CARGO_TARGET_DIR/release/knit"

passed=0
failed=0
status=0
for file in tests/*.test.ts; do
  echo "== $file"
  log=$(mktemp)
  timeout 300 "$knit" run -A "$file" 2>&1 | tee "$log"
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
[ "$failed" -eq 0 ] || status=1
exit $status
