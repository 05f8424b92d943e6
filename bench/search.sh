#!/usr/bin/env bash
# Search language against public-inbox's own search: the same queries on the same archive through
#   public-inbox 1.9 (public-inbox-index -L full, then its Xapian search as the web UI's ?q= runs it: pi-query.pl),
#   ktriage on SQLite (FTS5) and, with KTRIAGE_BENCH_PG=postgres://…, on PostgreSQL (tsvector/GIN);
# prints per query the number of messages each finds and their agreement (|both| / |either|, by git blob), then
# p50/p99 latency of the query itself for the first page (200 results), warm: public-inbox runs every query in one
# process; ktriage runs each query three times in its process and times the third (KTRIAGE_SEARCH_TIMING=3), i.e.
# without start-up and JIT.
# Usage: bench/search.sh [virtualization|io-uring] [QUERIES]    Needs ../shared and `apt-get install public-inbox`.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
shared=${KTRIAGE_SHARED:-$root/../shared}
corpus=${1:-virtualization}
queries=${2:-$root/bench/search/queries-$corpus.txt}
command -v public-inbox-index >/dev/null || { echo "bench/search.sh: public-inbox-index not found (apt-get install public-inbox)" >&2; exit 1; }

work=${KTRIAGE_BENCH_WORK:-$(mktemp -d /tmp/ktriage-bench-search.XXXXXX)}
mkdir -p "$work/pi/git"
case $corpus in
  virtualization) [[ -d $work/repo.git ]] || git clone -q --mirror "$shared/corpus/virtualization-0-first3000.bundle" "$work/repo.git" ;;
  io-uring) [[ -d $work/repo.git ]] || { tar xf "$shared/corpus/io-uring-0.git.tar" -C "$work" && mv "$work/io-uring-0.git" "$work/repo.git"; } ;;
  *) echo "bench/search.sh: unknown corpus $corpus" >&2; exit 2 ;;
esac
[[ -f $work/bin/ktriage ]] || dotnet publish "$root/src/Ktriage.Cli" -c Release -o "$work/bin" --nologo -v q >/dev/null
export PI_CONFIG=$work/pi-config
: > "$PI_CONFIG"
if [[ ! -d $work/pi/xap15 ]]; then
  [[ -d $work/pi/git/0.git ]] || cp -r "$work/repo.git" "$work/pi/git/0.git"
  touch "$work/pi/inbox.lock"
  # Its log names the messages it does not index ("E: <blob> <mid> is a duplicate"): kept for the comparison below.
  /usr/bin/time -f "public-inbox-index -L full: %e s, %M KiB" public-inbox-index -L full "$work/pi" 2> >(tee "$work/pi-index.log" >&2)
fi
if [[ ! -f $work/k.db ]]; then
  /usr/bin/time -f "ktriage ingest (SQLite): %e s, %M KiB" "$work/bin/ktriage" ingest "$work/repo.git" --list "$corpus" --db "$work/k.db" -q
fi
stores=("sqlite=$work/k.db")
if [[ -n ${KTRIAGE_BENCH_PG:-} ]]; then
  if [[ ! -f $work/pg.done ]]; then
    /usr/bin/time -f "ktriage ingest (PostgreSQL): %e s, %M KiB" "$work/bin/ktriage" ingest "$work/repo.git" --list "$corpus" --db "$KTRIAGE_BENCH_PG" -q
    touch "$work/pg.done"
  fi
  stores+=("postgres=$KTRIAGE_BENCH_PG")
fi

# Result sets: every match. Latency: the first page (200, as a listing shows), where both sides can stop early.
grep -v '^#' "$queries" | grep -v '^$' | perl "$root/bench/search/pi-query.pl" "$work/pi" "$corpus" > "$work/pi.tsv"
grep -v '^#' "$queries" | grep -v '^$' | perl "$root/bench/search/pi-query.pl" "$work/pi" "$corpus" 200 > "$work/pi-page.tsv"
for s in "${stores[@]}"; do
  name=${s%%=*}; db=${s#*=}
  : > "$work/$name.tsv"
  while IFS= read -r q; do
    out=$("$work/bin/ktriage" search "$q" --db "$db" --json -n 1000000 2>"$work/err") || { echo "$name: $q: $(cat "$work/err")" >&2; out=""; }
    KTRIAGE_SEARCH_TIMING=3 "$work/bin/ktriage" search "$q" --db "$db" --json -n 200 >/dev/null 2>"$work/err" || true
    ms=$(sed -n 's/^search-ms //p' "$work/err")
    blobs=$(printf '%s\n' "$out" | sed -n 's/.*"blob":"\([0-9a-f]*\)".*/\1/p' | tr '\n' ' ')
    printf '%s\t%s\t%s\n' "$q" "${ms:-nan}" "$blobs" >> "$work/$name.tsv"
  done < <(grep -v '^#' "$queries" | grep -v '^$')
done

python3 - "$work" "${stores[@]%%=*}" <<'PY'
import os, re, sys, statistics
work, stores = sys.argv[1], sys.argv[2:]
# Messages public-inbox skipped as duplicates of a Message-ID it already had; ktriage keeps every distinct copy.
log = f"{work}/pi-index.log"
skipped = set(re.findall(r"E: ([0-9a-f]{40}) .* is a duplicate", open(log).read())) if os.path.exists(log) else set()
def load(name):
    rows = []
    for line in open(f"{work}/{name}.tsv", encoding="utf-8"):
        q, ms, blobs = line.rstrip("\n").split("\t")
        rows.append((q, float(ms), set(blobs.split())))
    return rows
pi = load("pi")
pi_page = load("pi-page")
res = {s: load(s) for s in stores}
print("| query | public-inbox | " + " | ".join(f"{s} (agreement)" for s in stores) + " |")
print("|---|---:|" + "---:|" * len(stores))
exact = {s: 0 for s in stores}
same = {s: 0 for s in stores}
for i, (q, _, p) in enumerate(pi):
    cells = []
    for s in stores:
        k = res[s][i][2]
        union = p | k
        agree = 1.0 if not union else len(p & k) / len(union)
        exact[s] += p == k
        same[s] += p == k - skipped
        cells.append(f"{len(k)} ({agree:.3f})")
    print(f"| `{q}` | {len(p)} | " + " | ".join(cells) + " |")
print()
def pct(xs, p):
    xs = sorted(xs); return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))]
for name, rows in [("public-inbox", pi_page)] + [(s, res[s]) for s in stores]:
    ms = [r[1] for r in rows]
    extra = "" if name == "public-inbox" else (f", identical result sets {exact[name]}/{len(pi)}, {same[name]}/{len(pi)} "
        f"leaving out the {len(skipped)} messages public-inbox did not index (duplicate Message-IDs)")
    print(f"{name}: first page p50 {pct(ms, 50):.1f} ms, p99 {pct(ms, 99):.1f} ms over {len(ms)} queries{extra}")
PY
echo "(work dir: $work)"
