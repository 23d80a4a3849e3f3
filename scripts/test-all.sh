#!/usr/bin/env bash
# Runs every test of Rivulet on a fresh machine: installs what the tests need, builds, checks
# formatting and lints, runs the Rust test suite, the Python client tests (the real
# ksql-python client against the real binary) and the browser tests (the dashboard page in
# Debian's Chromium against the real binary). The Kafka tests run against a real Kafka-protocol
# broker, tansu, built once per machine into ~/.cache/rivulet/tools and started here with memory
# storage on a free loopback port (RIVULET_TEST_KAFKA). Called by .ci/run; the README names it.
set -uo pipefail
cd "$(dirname "$0")/.."

say() { printf '\n== %s\n' "$*"; }
fail() { echo "FAILED: $*"; exit 1; }

# Reuse one cargo target dir and one Python venv across runs and clones on this machine.
cache="$HOME/.cache/rivulet"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$cache/target}"
mkdir -p "$CARGO_TARGET_DIR"
export CARGO_TERM_COLOR=never
export CARGO_INCREMENTAL=0
logs=$(mktemp -d)
# The Kafka-protocol broker the Kafka tests run against (DESIGN.md: "Dependencies checked").
tansu_version=0.6.0

say "toolchain"
cargo --version && rustc --version || fail "no Rust toolchain"

say "formatting (cargo fmt --check)"
cargo fmt --all -- --check || fail "cargo fmt --check"

say "lints (cargo clippy --all-targets -D warnings)"
cargo clippy --workspace --all-targets --locked -- -D warnings || fail "cargo clippy"

say "Python test tools (venv in $cache/venv: pytest, ksql==0.10.2 as the seed pinned it)"
venv="$cache/venv"
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv" || fail "python3 -m venv"
fi
if ! "$venv/bin/python" -c 'import pytest, ksql' 2>/dev/null; then
  "$venv/bin/pip" install -q --upgrade pip wheel setuptools pytest || fail "pip install pytest"
  # ksql 0.10.2's setup.py imports pip, so it cannot build in an isolated environment.
  "$venv/bin/pip" install -q --no-build-isolation ksql==0.10.2 || fail "pip install ksql"
fi

say "Kafka-protocol broker for the Kafka tests (tansu $tansu_version, cached in $cache/tools)"
tools="$cache/tools"
tansu="$tools/bin/tansu"
if [ ! -x "$tansu" ] || ! "$tansu" --version 2>/dev/null | grep -qF "$tansu_version"; then
  echo "building tansu $tansu_version once for this machine (about 12 minutes on 2 cores)"
  # Its own target dir, removed afterwards: only the binary is kept.
  CARGO_TARGET_DIR="$cache/tansu-build" cargo install --locked tansu --version "$tansu_version" \
    --features dynostore --root "$tools" 2>&1 \
    | awk '/^ *Compiling/ { n++; if (n % 50 == 0) { print "  " n " crates compiled"; fflush() } next }
           { print; fflush() }'
  tansu_status=${PIPESTATUS[0]}
  rm -rf "$cache/tansu-build"
  [ "$tansu_status" -eq 0 ] && [ -x "$tansu" ] || fail "cargo install tansu"
fi
kafka_port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$tansu" broker --listener-url "tcp://127.0.0.1:$kafka_port" \
  --advertised-listener-url "tcp://127.0.0.1:$kafka_port" \
  --storage-engine memory://tansu/ >"$logs/tansu.log" 2>&1 &
tansu_pid=$!
trap 'kill "$tansu_pid" 2>/dev/null; wait "$tansu_pid" 2>/dev/null' EXIT
for _ in $(seq 100); do
  (exec 3<>"/dev/tcp/127.0.0.1/$kafka_port") 2>/dev/null && break
  kill -0 "$tansu_pid" 2>/dev/null || { cat "$logs/tansu.log"; fail "tansu did not start"; }
  sleep 0.1
done
(exec 3<>"/dev/tcp/127.0.0.1/$kafka_port") 2>/dev/null || { cat "$logs/tansu.log"; fail "tansu does not listen on $kafka_port"; }
export RIVULET_TEST_KAFKA="127.0.0.1:$kafka_port"
echo "tansu listening on $RIVULET_TEST_KAFKA (pid $tansu_pid, log $logs/tansu.log)"

say "Rust tests (cargo test --workspace)"
cargo test --workspace --locked 2>&1 | tee "$logs/cargo.log"
cargo_status=${PIPESTATUS[0]}

say "Python client tests (pytest tests/python)"
cargo build --locked -q -p rivulet || fail "cargo build"
export RIVULET_BIN="$CARGO_TARGET_DIR/debug/rivulet"
"$venv/bin/python" -m pytest -q -p no:cacheprovider tests/python 2>&1 | tee "$logs/pytest.log"
pytest_status=${PIPESTATUS[0]}

say "browser tests (node --test tests/browser: the real binary in Debian's Chromium)"
command -v node >/dev/null || fail "no Node.js (20+) for the browser tests"
if [ ! -x /usr/bin/chromium ]; then
  as_root=""
  [ "$(id -u)" -eq 0 ] || as_root="sudo"
  $as_root apt-get update || fail "apt-get update"
  DEBIAN_FRONTEND=noninteractive $as_root apt-get install -y chromium || fail "apt-get install chromium"
fi
(cd tests/browser && npm ci --no-audit --no-fund) || fail "npm ci (tests/browser)"
node --test tests/browser/ 2>&1 | tee "$logs/browser.log"
browser_status=${PIPESTATUS[0]}

passed=$(grep -Eo 'test result: [a-zA-Z]+\. [0-9]+ passed' "$logs/cargo.log" | awk '{s+=$4} END {print s+0}')
failed=$(grep -Eo 'test result: [a-zA-Z]+\. [0-9]+ passed; [0-9]+ failed' "$logs/cargo.log" | awk '{s+=$6} END {print s+0}')
py_passed=$(grep -Eo '[0-9]+ passed' "$logs/pytest.log" | tail -1 | awk '{print $1+0}')
py_failed=$(grep -Eo '[0-9]+ failed' "$logs/pytest.log" | tail -1 | awk '{print $1+0}')
js_passed=$(grep -Eo '^# pass [0-9]+' "$logs/browser.log" | tail -1 | awk '{print $3+0}')
js_failed=$(grep -Eo '^# fail [0-9]+' "$logs/browser.log" | tail -1 | awk '{print $3+0}')
echo
echo "$((passed + ${py_passed:-0} + ${js_passed:-0})) passed, $((failed + ${py_failed:-0} + ${js_failed:-0})) failed"
if [ "$cargo_status" -ne 0 ] || [ "$pytest_status" -ne 0 ] || [ "$browser_status" -ne 0 ]; then
  exit 1
fi
