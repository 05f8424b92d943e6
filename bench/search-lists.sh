#!/usr/bin/env bash
# List terms (l:) on an archive of two lists: the whole io-uring archive (33,495 messages, 2019-12 .. 2026-01) and
# the first 3,000 messages of virtualization (2019), ingested as lists io-uring and virtualization, into SQLite and,
# with KTRIAGE_BENCH_PG=postgres://… (an empty database), into PostgreSQL. Per query of bench/search/queries-lists.txt:
# the number of messages found and the latency of the first page (200), warm as in bench/search.sh (each run is the
# third in its process, KTRIAGE_SEARCH_TIMING=3), as min / median of RUNS processes (default 5: the machine is shared).
# Usage: bench/search-lists.sh [QUERIES]    Needs ../shared.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
shared=${KTRIAGE_SHARED:-$root/../shared}
queries=${1:-$root/bench/search/queries-lists.txt}
runs=${RUNS:-5}
work=${KTRIAGE_BENCH_WORK:-$(mktemp -d /tmp/ktriage-bench-lists.XXXXXX)}
[[ -d $work/io-uring-0.git ]] || tar xf "$shared/corpus/io-uring-0.git.tar" -C "$work"
[[ -d $work/virtualization.git ]] || git clone -q --mirror "$shared/corpus/virtualization-0-first3000.bundle" "$work/virtualization.git"
[[ -f $work/bin/ktriage ]] || dotnet publish "$root/src/Ktriage.Cli" -c Release -o "$work/bin" --nologo -v q >/dev/null
k=$work/bin/ktriage
stores=("sqlite=$work/k.db")
[[ -n ${KTRIAGE_BENCH_PG:-} ]] && stores+=("postgres=$KTRIAGE_BENCH_PG")
for s in "${stores[@]}"; do
  name=${s%%=*}; db=${s#*=}
  if [[ ! -f $work/$name.done ]]; then
    "$k" ingest "$work/io-uring-0.git" --list io-uring --db "$db" -q
    "$k" ingest "$work/virtualization.git" --list virtualization --db "$db" -q
    touch "$work/$name.done"
  fi
  echo "## $name (load average $(cut -d' ' -f1-3 /proc/loadavg))"
  printf '| query | found | min ms | median ms |\n|---|---:|---:|---:|\n'
  all=()
  while IFS= read -r q; do
    found=$("$k" search "$q" --db "$db" --json -n 1000000 | wc -l)
    ms=$(for _ in $(seq "$runs"); do
      KTRIAGE_SEARCH_TIMING=3 "$k" search "$q" --db "$db" --json -n 200 2>&1 >/dev/null | sed -n 's/^search-ms //p'
    done | sort -g)
    med=$(sed -n "$(( (runs + 1) / 2 ))p" <<<"$ms")
    all+=("$med")
    printf '| `%s` | %s | %s | %s |\n' "$q" "$found" "$(head -1 <<<"$ms")" "$med"
  done < <(grep -v '^#' "$queries" | grep -v '^$')
  printf '%s\n' "${all[@]}" | sort -g | awk '{v[NR]=$1} END {printf "medians: p50 %.1f ms, p99 %.1f ms over %d queries\n\n", v[int(NR*0.5+0.5)], v[int(NR*0.99+0.5)], NR}'
done
echo "(work dir: $work)"
