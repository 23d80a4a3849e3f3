#!/usr/bin/env bash
# Measures HTTP ingest on this machine: a release `rivulet server` (fsync=always by default) and
# `rivulet bench ingest` side by side, several runs, medians printed; the server's resident memory
# is sampled after each run to show it stays flat under sustained load.
#   usage: scripts/bench-ingest.sh [runs=5] [seconds=10] [connections=16] [batch=30] [fsync=always]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}; secs=${2:-10}; conns=${3:-16}; batch=${4:-30}; fsync=${5:-always}
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/rivulet/target}"
cargo build --release -q -p rivulet
bin="$CARGO_TARGET_DIR/release/rivulet"
data=$(mktemp -d)
port=$((20000 + RANDOM % 20000))
"$bin" server --listen "127.0.0.1:$port" --data-dir "$data" --fsync "$fsync" >/dev/null 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$data"' EXIT
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$port/healthcheck" >/dev/null && break; sleep 0.1; done
echo "load: $(uptime)"
results=()
for r in $(seq "$runs"); do
  line=$("$bin" bench ingest --url "http://127.0.0.1:$port" --connections "$conns" --batch "$batch" \
      --duration-secs "$secs" --warmup-secs 2 --json 2>/dev/null)
  rss=$(awk '/VmRSS/ {print $2}' "/proc/$server/status")
  echo "run $r: $line rss_kib=$rss"
  results+=("$line")
done
printf '%s\n' "${results[@]}" | python3 -c '
import json, statistics, sys
rows = [json.loads(l) for l in sys.stdin if l.strip()]
for k in ("readings_per_sec", "requests_per_sec", "p50_ms", "p99_ms"):
    print(f"median {k}: {statistics.median(r[k] for r in rows)}")
'
echo "data dir size: $(du -sh "$data" | cut -f1)"
