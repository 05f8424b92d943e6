#!/usr/bin/env bash
# Load test of `ktriage serve` over the whole io-uring archive with wrk: message page (with thread overview), flat
# thread page, list index, crash dashboard and a search, each for DURATION seconds with 16 connections.
# Usage: bench/web.sh [DB] [DURATION]   (without DB: ingests io-uring into $TMPDIR/ktriage-web/iou.db once)
# Needs wrk (apt-get install wrk). Prints req/s and latency percentiles per page, and the load average.
set -euo pipefail
cd "$(dirname "$0")/.."
SHARED="${KTRIAGE_SHARED:-../shared}"
WORK="${TMPDIR:-/tmp}/ktriage-web"
DB="${1:-$WORK/iou.db}"
DURATION="${2:-15}"
PORT="${KTRIAGE_BENCH_PORT:-5099}"
command -v wrk >/dev/null || { echo "bench/web.sh: wrk is missing (apt-get install wrk)" >&2; exit 1; }
dotnet build src/Ktriage.Cli -c Release -nologo -v q >/dev/null
K=src/Ktriage.Cli/bin/Release/net10.0/ktriage
if [ ! -f "$DB" ]; then
  mkdir -p "$WORK"
  tar xf "$SHARED/corpus/io-uring-0.git.tar" -C "$WORK"
  "$K" ingest "$WORK/io-uring-0.git" --list io-uring --db "$DB" -q
fi
"$K" serve --db "$DB" --urls "http://127.0.0.1:$PORT" -q &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true' EXIT
BASE="http://127.0.0.1:$PORT"
for _ in $(seq 60); do curl -sf "$BASE/" >/dev/null && break; sleep 0.5; done
# A typical thread: the first of 4-8 messages among threads 200-250 of the index.
MID=$(curl -sf "$BASE/api/v1/lists/io-uring/threads?o=200&n=50" | python3 -c '
import json, sys, urllib.parse
print(next(urllib.parse.quote(t["root"]["messageId"], safe="") for t in json.load(sys.stdin) if 4 <= t["messages"] <= 8))')
echo "== ktriage serve, io-uring ($("$K" stats --db "$DB" --json | python3 -c "import json,sys; print(json.load(sys.stdin)['counts']['messages'])") messages), wrk -t2 -c16 -d${DURATION}s; load before: $(cut -d' ' -f1-3 /proc/loadavg)"
for page in "/io-uring/$MID/" "/io-uring/$MID/T/" "/io-uring/" "/crashes/" "/io-uring/?q=io_poll+use-after-free"; do
  curl -sf -o /dev/null "$BASE$page"  # warm: first parse of the messages, crash ranking
  out=$(wrk -t2 -c16 -d"${DURATION}s" --latency "$BASE$page")
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p50=$(awk '$1 == "50%" {print $2}' <<<"$out")
  p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
  bad=$(awk '/Non-2xx/ {print $NF}' <<<"$out")
  printf '%-70s %10s req/s  p50 %8s  p99 %8s%s\n' "$page" "$rps" "$p50" "$p99" "${bad:+  non-2xx $bad}"
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
