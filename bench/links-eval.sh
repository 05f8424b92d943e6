#!/usr/bin/env bash
# Crash→fix linking against io-uring's ground truth (pairs made from explicit tags: Reported-by syzbot+id, Closes/Link).
# For each pair, asks `ktriage crash <report Message-ID> --json --evidence KINDS` for the ranked fixes and checks
# whether a true fix is first (recall@1) or in the top 3 (recall@3). precision@1 = correct top candidates / pairs
# that got any candidate; "confident" = the same for top candidates scoring >= 0.5 (what the status uses).
#
# usage: bench/links-eval.sh [DB] [KINDS...]     (default DB: a fresh ingest of io-uring in $TMPDIR; kinds:
#        "content,thread" "all" "content" "thread")
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
shared=${SHARED:-$here/../shared}
pairs=$shared/corpus/io-uring-0.link-pairs.jsonl
out=${TMPDIR:-/tmp}/ktriage-links-eval
mkdir -p "$out"
bin=$out/bin
dotnet build "$here/src/Ktriage.Cli" -c Release -o "$bin" -v q -nologo >/dev/null
db=${1:-$out/io.db}
shift || true
if [ ! -f "$db" ]; then
  [ -d "$out/io-uring-0.git" ] || tar xf "$shared/corpus/io-uring-0.git.tar" -C "$out"
  dotnet "$bin/ktriage.dll" ingest "$out/io-uring-0.git" --list io-uring --db "$db" -q
fi
kinds=("$@")
[ ${#kinds[@]} -gt 0 ] || kinds=("content,thread" "all" "content" "thread")
# First call refreshes clusters and links if needed; time it separately.
start=$(date +%s.%N)
dotnet "$bin/ktriage.dll" crashes --db "$db" -q >/dev/null
echo "refresh+list: $(echo "$(date +%s.%N) - $start" | bc) s"
for k in "${kinds[@]}"; do
  python3 - "$pairs" "$db" "$bin/ktriage.dll" "$k" <<'PY'
import json, subprocess, sys
pairs_path, db, dll, kinds = sys.argv[1:5]
pairs = [json.loads(l) for l in open(pairs_path)]
n = hit1 = hit3 = answered = confident = confident_ok = missing = 0
misses = []
for p in pairs:
    n += 1
    fixes = set(p["fixes"])
    r = subprocess.run(["dotnet", dll, "crash", p["reports"][0], "--json", "--evidence", kinds, "--db", db],
                       capture_output=True, text=True)
    if r.returncode != 0:
        missing += 1
        misses.append((p["kind"], p["key"], "no cluster: " + r.stderr.strip()[:100]))
        continue
    ranked = [f["messageId"] for f in json.loads(r.stdout)["fixes"]]
    top = json.loads(r.stdout)["fixes"][:1]
    if ranked:
        answered += 1
        if top[0]["score"] >= 0.5:
            confident += 1
            confident_ok += ranked[0] in fixes
    hit1 += bool(ranked) and ranked[0] in fixes
    ok3 = any(f in fixes for f in ranked[:3])
    hit3 += ok3
    if not ok3:
        rank = next((i + 1 for i, f in enumerate(ranked) if f in fixes), None)
        misses.append((p["kind"], p["key"], f"true fix at rank {rank} of {len(ranked)}"))
pct = lambda a, b: f"{100.0 * a / b:.1f}%" if b else "n/a"
print(f"--evidence {kinds}: pairs {n}, recall@1 {pct(hit1, n)}, recall@3 {pct(hit3, n)}, "
      f"precision@1 {pct(hit1, answered)} ({answered} with a candidate), "
      f"confident top {confident}: precision {pct(confident_ok, confident)}, no cluster {missing}")
if "-v" in sys.argv or True:
    for m in misses[:15]:
        print("   miss:", *m)
PY
done
