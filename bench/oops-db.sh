#!/usr/bin/env bash
# `ktriage oops --db`: what matching a new log against a large archive costs beyond parsing (issue 5: < 20 ms p99
# with 100k stored reports).
#
# The store: the io-uring archive (2,067 real reports; ingested like bench/links-eval.sh does, or the DB given) plus
# REPLICAS synthetic copies of every report. Replica k renames every function of a report (crash site, frames,
# guilty frame, the same words in its title and alt titles, and the function a title names) to NAME_sK and moves its
# guilty file under sK/, except the "core" functions found in >= 3% of the real reports that are not io_uring's own
# (syscall entry, task work, workqueue, exit paths: do_syscall_64, process_one_work, task_work_run…):
# so each replica is a subsystem with io-uring's mix of bugs, duplicates and quoted copies, its own titles and
# stacks, sharing the kernel's common frames with every other replica, which is what makes the frame index's
# popular entries large. Synthetic reports sit in their own messages (own list, threads and Message-IDs, dates
# shifted by k days, replies kept as replies) with no patches, so they get clusters but no fixes.
# Clusters and match keys are then computed by the real linker (`ktriage crashes`, timed).
#
# Queries: every real crash log under ../shared/crashes (one input per file, all reports in it matched, each match's
# best fix ranked), ROUNDS rounds after a warm-up; the script prints p50/p99 per input.
#
# usage: bench/oops-db.sh [BASE_DB] [REPLICAS=49] [ROUNDS=5]
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
shared=${SHARED:-$here/../shared}
out=${TMPDIR:-/tmp}/ktriage-oops-db
mkdir -p "$out"
bin=$out/bin
dotnet build "$here/src/Ktriage.Cli" -c Release -o "$bin" -v q -nologo >/dev/null
base=${1:-$out/io.db}
replicas=${2:-49}
rounds=${3:-5}
if [ ! -f "$base" ]; then
  [ -d "$out/io-uring-0.git" ] || tar xf "$shared/corpus/io-uring-0.git.tar" -C "$out"
  dotnet "$bin/ktriage.dll" ingest "$out/io-uring-0.git" --list io-uring --db "$base" -q
fi
db=$out/big.db
if [ ! -f "$db" ]; then
  rm -f "$db.tmp"*
  cp "$base" "$db.tmp"
  [ -f "$base.fts" ] && cp "$base.fts" "$db.tmp.fts"
  python3 - "$db.tmp" "$replicas" <<'PY'
import collections, json, re, sqlite3, sys
path, replicas = sys.argv[1], int(sys.argv[2])
db = sqlite3.connect(path)
rows = db.execute("""SELECT cr.message, cr.ord, cr.title, cr.type, cr.report, m.message_id, m.body_hash, m.thread_id,
    m.subject, m.from_name, m.from_email, m.to_addrs, m.cc_addrs, m.date, m.date_from_header, m.in_reply_to, m.refs
    FROM crash_reports cr JOIN messages m ON m.id = cr.message ORDER BY cr.id""").fetchall()
funcs = lambda r: {f["function"] for f in r.get("frames") or [] if f.get("function")} | ({r["crashSite"]["function"]} if r.get("crashSite") else set())
counts = collections.Counter(fn for row in rows for fn in funcs(json.loads(row[4])))
# io_uring's own functions are what makes this archive io_uring: never shared with another "subsystem".
core = {fn for fn, n in counts.items() if n >= 0.03 * len(rows) and not re.match(r"(__)?io_|.*io_uring", fn)}
print(f"base: {len(rows)} reports, {len(counts)} functions, {len(core)} core functions kept in every replica", file=sys.stderr)
max_thread = db.execute("SELECT max(thread_id) FROM messages").fetchone()[0] + 1
db.execute("PRAGMA synchronous=OFF")
for k in range(1, replicas + 1):
    list_id = db.execute("INSERT INTO lists(name) VALUES(?) RETURNING id", (f"synthetic-{k}",)).fetchone()[0]
    suffix = f"_s{k}"
    ren = lambda fn: fn if not fn or fn in core else fn.split(".")[0] + suffix
    msg_ids = {}
    for (message, ord_, title, type_, report, mid, bh, tid, subj, fname, femail, to, cc, date, dfh, irt, refs) in rows:
        r = json.loads(report)
        names = funcs(r) - core
        for f in (r.get("frames") or []) + ([r["crashSite"]] if r.get("crashSite") else []):
            f["function"] = ren(f.get("function"))
        if r.get("guiltyFrame"): r["guiltyFrame"] = ren(r["guiltyFrame"])
        if r.get("guiltyFile"): r["guiltyFile"] = f"s{k}/" + r["guiltyFile"]
        # The function a title names ("... in io_foo") is renamed too, even when no frame has that name.
        named = {m.group(1) for t in [r["title"], *(r.get("altTitles") or [])] for m in re.finditer(r" in ([A-Za-z_][A-Za-z0-9_]{3,})", t)}
        words = sorted({n.split(".")[0] for n in names} | (named - core - {"corrupted"}), key=len, reverse=True)
        pattern = re.compile(r"\b(" + "|".join(map(re.escape, words)) + r")\b") if words else None
        retitle = lambda t: pattern.sub(lambda m: m.group(1) + suffix, t) if pattern else t
        r["title"] = retitle(r["title"])
        r["altTitles"] = [retitle(t) for t in r.get("altTitles") or []]
        if message not in msg_ids:
            msg_ids[message] = db.execute("""INSERT INTO messages(message_id, body_hash, synthetic_id, thread_id, list_id, subject,
                from_name, from_email, to_addrs, cc_addrs, date, date_from_header, in_reply_to, refs)
                VALUES(?,?,0,?,?,?,?,?,?,?,?,?,?,?) RETURNING id""",
                (f"s{k}.{mid}", bh, tid + k * max_thread, list_id, retitle(subj), fname, femail, to, cc, date + k * 86400, dfh,
                 None if irt is None else f"s{k}.{irt}", "")).fetchone()[0]
        db.execute("INSERT INTO crash_reports(message, ord, title, type, report) VALUES(?,?,?,?,?)",
                   (msg_ids[message], ord_, r["title"], type_, json.dumps(r)))
    db.commit()
print(f"stored reports: {db.execute('SELECT count(*) FROM crash_reports').fetchone()[0]}", file=sys.stderr)
PY
  start=$(date +%s.%N)
  KTRIAGE_LINK_TIMING=1 dotnet "$bin/ktriage.dll" crashes --db "$db.tmp" -q >/dev/null
  echo "clusters + links + match keys computed in $(echo "$(date +%s.%N) - $start" | bc) s"
  for f in "$db.tmp"*; do mv "$f" "$db${f#$db.tmp}"; done
fi
sqlite3 "$db" "SELECT 'store: ' || (SELECT count(*) FROM crash_reports) || ' reports, ' || (SELECT count(*) FROM crash_clusters) || ' clusters, '
  || (SELECT count(*) FROM cluster_stacks) || ' representative stacks, ' || (SELECT count(*) FROM cluster_frames) || ' frame index entries (largest: '
  || (SELECT max(n) FROM (SELECT count(*) n FROM cluster_frames GROUP BY frame)) || ' clusters)'"
echo "== match latency beyond parsing, $(find "$shared/crashes" -type f | wc -l) real crash logs"
dotnet "$bin/ktriage.dll" oops --bench "$rounds" --db "$db" "$shared"/crashes/*/
