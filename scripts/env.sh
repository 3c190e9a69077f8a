# Shared build environment: a target directory outside the clone (kept
# between runs when the machine keeps it) and offline-friendly settings.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/knitting/target}"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"
mkdir -p "$CARGO_TARGET_DIR"

# deno_knitting reads its JS from the js/ directory of the checkout it was
# compiled in (deno_core records the path; see ext/build.rs). When this
# target directory was last used by another checkout, cargo may still find
# that build fresh, so make it rebuild the extension for this one.
knitting_checkout="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [ "$(cat "$CARGO_TARGET_DIR/.knitting-checkout" 2>/dev/null)" != "$knitting_checkout" ]; then
  touch "$knitting_checkout/ext/build.rs" "$knitting_checkout/ext/src/lib.rs"
  printf '%s' "$knitting_checkout" > "$CARGO_TARGET_DIR/.knitting-checkout"
fi
