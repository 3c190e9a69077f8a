# Shared build environment: a target directory outside the clone (kept
# between runs when the machine keeps it) and offline-friendly settings.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/knitting/target}"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"
mkdir -p "$CARGO_TARGET_DIR"
