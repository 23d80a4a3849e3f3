#!/usr/bin/env bash
# Runs every test of Rivulet on a fresh machine: installs what the tests need, builds, checks
# formatting and lints, and runs the whole test suite. Called by .ci/run; the README names it.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '\n== %s\n' "$*"; }

# Reuse one cargo target dir across runs and clones on this machine (dependencies build once).
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/rivulet/target}"
mkdir -p "$CARGO_TARGET_DIR"
export CARGO_TERM_COLOR=never
export CARGO_INCREMENTAL=0

say "toolchain"
cargo --version
rustc --version
rustup component list --installed 2>/dev/null | grep -E 'clippy|rustfmt' || true

say "formatting (cargo fmt --check)"
cargo fmt --all -- --check

say "lints (cargo clippy --all-targets -D warnings)"
cargo clippy --workspace --all-targets --locked -- -D warnings

say "tests (cargo test --workspace)"
cargo test --workspace --locked 2>&1 | tee "${TMPDIR:-/tmp}/rivulet-test.log"
status=${PIPESTATUS[0]}

passed=$(grep -Eo 'test result: [a-zA-Z]+\. [0-9]+ passed' "${TMPDIR:-/tmp}/rivulet-test.log" | awk '{s+=$4} END {print s+0}')
failed=$(grep -Eo '[0-9]+ failed' "${TMPDIR:-/tmp}/rivulet-test.log" | awk '{s+=$1} END {print s+0}')
echo
echo "$passed passed, $failed failed"
exit "$status"
