#!/usr/bin/env bash
# `ktriage who` on syzbot's own reports in io-uring against the recipients syzbot chose (its To/Cc, minus syzbot's
# and syzkaller's addresses). syzbot ran get_maintainer.pl on the upstream MAINTAINERS of each report's day
# (2019-2026) plus its own subsystem rules; who uses 6.1's: an agreement figure across kernel versions, not a
# reimplementation check (bench/who-eval.sh is that).
# usage: bench/who-syzbot.sh [N]   (default 150 reports, evenly sampled; run bench/who-eval.sh first for the tree db)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
shared=${SHARED:-$here/../shared}
n=${1:-150}
out=${TMPDIR:-/tmp}/ktriage-who-eval
[ -f "$out/who.db" ] || { echo "run bench/who-eval.sh first (imports the 6.1 tree into $out/who.db)" >&2; exit 1; }
[ -d "$out/io-uring-0.git" ] || tar xf "$shared/corpus/io-uring-0.git.tar" -C "$out"
python3 - "$out" "$n" <<'PY'
import email, email.policy, json, os, re, subprocess, sys
out, n = sys.argv[1], int(sys.argv[2])
repo = os.path.join(out, "io-uring-0.git")
d = os.path.join(out, "syzbot"); os.makedirs(d, exist_ok=True)
files = sorted(os.path.join(d, f) for f in os.listdir(d))
if not files:
    log = subprocess.run(["git", "-C", repo, "log", "--reverse", "--format=%H %ae", "master"], capture_output=True, text=True).stdout.split("\n")
    commits = [l.split()[0] for l in log if re.search(r"^\S+ syzbot\+[0-9a-f]+@syzkaller\.appspotmail\.com$", l)]
    reports = []
    for c in commits:
        raw = subprocess.run(["git", "-C", repo, "cat-file", "-p", c + ":m"], capture_output=True).stdout
        msg = email.message_from_bytes(raw, policy=email.policy.default)
        subj = str(msg.get("subject", ""))
        if re.match(r"\s*(re|fwd?):", subj, re.I) or "[syzbot] Monthly" in subj: continue
        part = msg.get_body(preferencelist=("plain",))
        if not part: continue
        rcpt = [a.addr_spec.lower() for h in ("to", "cc") for a in (msg[h].addresses if msg[h] else [])]
        reports.append((rcpt, part.get_content()))
    chosen = [reports[i * len(reports) // n] for i in range(min(n, len(reports)))]
    for i, (rcpt, body) in enumerate(chosen):
        p = os.path.join(d, f"{i:04d}.txt")
        open(p, "w").write(body)
        open(p + ".rcpt", "w").write("\n".join(rcpt))
    files = sorted(os.path.join(d, f) for f in os.listdir(d))
    print(f"{len(reports)} syzbot reports (not replies), {len(files)//2} sampled")
files = [f for f in files if f.endswith(".txt")]
ours = {}
for i in range(0, len(files), 60):
    r = subprocess.run(["dotnet", os.path.join(out, "bin", "ktriage.dll"), "who", "--json", "--db", os.path.join(out, "who.db")] + files[i:i+60], capture_output=True, text=True)
    for l in r.stdout.splitlines():
        o = json.loads(l); ours[o["source"]] = o
mapped = list_hit = list_all = people_hit = 0; jl = jp = 0.0
for f in files:
    rcpt = {a for a in open(f + ".rcpt").read().split() if "syzkaller" not in a and "syzbot" not in a}
    o = ours.get(f)
    if not o or o["error"] or not o["results"]: continue
    mapped += 1
    rec = o["results"][0]["recipients"]
    ol = {r["email"].lower() for r in rec if r["kind"] == "list"}
    op = {r["email"].lower() for r in rec if r["kind"] != "list"}
    sl = {a for a in rcpt if a in ol or re.search(r"@vger\.kernel\.org$|@lists\.|linux-.*@", a)}
    sp = rcpt - sl
    list_all += sl <= ol
    list_hit += bool(sl & ol)
    people_hit += bool(sp & op)
    jl += len(sl & ol) / len(sl | ol) if sl | ol else 1
    jp += len(sp & op) / len(sp | op) if sp | op else 1
t = len(files)
print(f"syzbot reports: {t}; mapped {mapped} ({100*mapped/t:.0f}%); of those: a list in common {list_hit} ({100*list_hit/mapped:.0f}%), "
      f"all syzbot's lists included {list_all} ({100*list_all/mapped:.0f}%), mean list Jaccard {jl/mapped:.2f}; "
      f"a person in common {people_hit} ({100*people_hit/mapped:.0f}%), mean people Jaccard {jp/mapped:.2f}")
PY
