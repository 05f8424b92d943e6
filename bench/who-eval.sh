#!/usr/bin/env bash
# `ktriage who` against scripts/get_maintainer.pl (--no-git --no-tree) of the same Linux 6.1 tree (Debian's
# linux-source-6.1): agreement on the set of maintainers/reviewers and on the set of lists.
#   patches: [PATCH] mails sampled evenly from ../shared/corpus (virtualization, io-uring); both tools read the same file
#            (headers + decoded body), like `get_maintainer.pl PATCHFILE`.
#   crashes: syzkaller-guilty (FILE: header = the true guilty file): perl -f on that file vs `who` on the report, and
#            whether who picked that file; syzkaller-report and satyr logs: how many map, and perl -f on the file(s)
#            who picked (agreement of the MAINTAINERS matching alone).
#
# usage: bench/who-eval.sh [PATCHES_PER_CORPUS]     (default 200; needs linux-source-6.1: apt-get install linux-source-6.1)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
shared=${SHARED:-$here/../shared}
per=${1:-200}
out=${TMPDIR:-/tmp}/ktriage-who-eval
mkdir -p "$out"
bin=$out/bin
dotnet build "$here/src/Ktriage.Cli" -c Release -o "$bin" -v q -nologo >/dev/null
tarball=/usr/src/linux-source-6.1.tar.xz
[ -f "$tarball" ] || { echo "needs $tarball (apt-get install linux-source-6.1)" >&2; exit 1; }
tree=$out/linux-source-6.1
[ -f "$tree/MAINTAINERS" ] || tar xJf "$tarball" -C "$out"
db=$out/who.db
if [ ! -f "$db" ]; then
  start=$(date +%s.%N)
  dotnet "$bin/ktriage.dll" kernel import "$tree" --db "$db"
  echo "import (extracted tree): $(echo "$(date +%s.%N) - $start" | bc) s"
fi
[ -d "$out/virtualization.git" ] || git clone -q --bare "$shared/corpus/virtualization-0-first3000.bundle" "$out/virtualization.git"
[ -d "$out/io-uring-0.git" ] || tar xf "$shared/corpus/io-uring-0.git.tar" -C "$out"

python3 - "$out" "$bin/ktriage.dll" "$db" "$tree" "$shared" "$per" <<'PY'
import email, email.policy, json, os, re, subprocess, sys
out, dll, db, tree, shared, per = sys.argv[1:7]
per = int(per)

def perl(args):
    r = subprocess.run(["perl", "scripts/get_maintainer.pl", "--no-git", "--no-tree", "--no-rolestats"] + args,
                       cwd=tree, capture_output=True, text=True)
    return r.returncode, [l.strip() for l in r.stdout.splitlines() if l.strip()]

def bare(a):
    m = re.search(r"<([^>]+)>", a)
    return (m.group(1) if m else a).strip().lower()

def who(files):
    res = {}
    for i in range(0, len(files), 60):
        chunk = files[i:i+60]
        r = subprocess.run(["dotnet", dll, "who", "--json", "--db", db] + chunk, capture_output=True, text=True)
        for line in r.stdout.splitlines():
            o = json.loads(line)
            res[o["source"]] = o
    return res

def people_lists(recipients):
    ppl = {r["email"].lower() for r in recipients if r["kind"] in ("maintainer", "reviewer", "inFile")}
    lists = {r["email"].lower() for r in recipients if r["kind"] == "list"}
    return ppl, lists

def compare(name, pairs):
    """pairs: list of (ours_people, ours_lists, ref_all_addresses)"""
    n = len(pairs)
    if n == 0:
        print(f"{name}: no cases"); return
    exact = ppl_eq = lst_eq = 0
    jp = jl = 0.0
    for op, ol, ref in pairs:
        # get_maintainer prints people and lists together: lists are the L: addresses of MAINTAINERS, unless who
        # printed the address as a person (x86@kernel.org is an M: of one section and an L: of another).
        rl = {a for a in ref if a in ol or (a not in op and a in all_lists)}
        rp = ref - rl
        ppl_eq += op == rp
        lst_eq += ol == rl
        exact += (op | ol) == ref
        jp += len(op & rp) / len(op | rp) if op | rp else 1
        jl += len(ol & rl) / len(ol | rl) if ol | rl else 1
    print(f"{name}: {n} cases; identical recipients {exact} ({100*exact/n:.1f}%); same maintainers+reviewers {ppl_eq} "
          f"({100*ppl_eq/n:.1f}%), mean Jaccard {jp/n:.3f}; same lists {lst_eq} ({100*lst_eq/n:.1f}%), mean Jaccard {jl/n:.3f}")

all_lists = {m.group(1).lower() for m in re.finditer(r"^L:\s*(\S+)", open(os.path.join(tree, "MAINTAINERS")).read(), re.M)}

def log_only(src, corpus):
    """A corpus file without its test header (and without syzkaller's expected REPORT: text)."""
    text = open(src, errors="replace").read().replace("\r", "")
    head, _, log = text.partition("\n\n")
    log = re.split(r"\n\nREPORT:\n", log)[0]
    d = os.path.join(out, "crashes", corpus)
    os.makedirs(d, exist_ok=True)
    p = os.path.join(d, os.path.basename(src))
    with open(p, "w") as f: f.write(log)
    return p, head

# ---- patches
def patches(repo, name):
    d = os.path.join(out, "patches", name)
    os.makedirs(d, exist_ok=True)
    existing = sorted(os.listdir(d))
    if existing:
        return [os.path.join(d, f) for f in existing]
    commits = subprocess.run(["git", "-C", repo, "rev-list", "--reverse", "--all"], capture_output=True, text=True).stdout.split()
    found = []
    for c in commits:
        raw = subprocess.run(["git", "-C", repo, "cat-file", "-p", c + ":m"], capture_output=True).stdout
        if not raw: continue
        msg = email.message_from_bytes(raw, policy=email.policy.default)
        subj = str(msg.get("subject", "") or "")
        if not re.search(r"\[PATCH", subj, re.I) or re.match(r"\s*re:", subj, re.I): continue
        try:
            part = msg.get_body(preferencelist=("plain",))
            body = part.get_content() if part else ""
        except Exception:
            continue
        if not re.search(r"^(diff --git |\+\+\+ )", body, re.M): continue
        found.append((subj, str(msg.get("from", "")), body))
    step = max(1, len(found) // per)
    chosen = found[::step][:per]
    paths = []
    for i, (subj, frm, body) in enumerate(chosen):
        p = os.path.join(d, f"{i:04d}.patch")
        with open(p, "w") as f:
            f.write(f"From: {frm}\nSubject: {subj}\n\n{body}")
        paths.append(p)
    print(f"{name}: {len(found)} patch mails, {len(paths)} sampled")
    return paths

for repo, name in [(os.path.join(out, "virtualization.git"), "virtualization"), (os.path.join(out, "io-uring-0.git"), "io-uring")]:
    files = patches(repo, name)
    ours = who(files)
    pairs, errors = [], 0
    for f in files:
        rc, ref = perl([f])
        o = ours.get(f)
        if rc != 0 or not o or o["error"] or not o["results"]:
            errors += 1; continue
        op, ol = people_lists(o["results"][0]["recipients"])
        pairs.append((op, ol, {bare(a) for a in ref}))
    compare(f"patches {name}", pairs)
    if errors: print(f"  ({errors} patches not compared: no answer from one side)")

# ---- crashes with a known guilty file
gdir = os.path.join(shared, "crashes", "syzkaller-guilty")
cases = []
for fn in sorted(os.listdir(gdir)):
    p, head = log_only(os.path.join(gdir, fn), "syzkaller-guilty")
    m = re.match(r"FILE: (\S+)", head)
    if m: cases.append((p, m.group(1)))
ours = who([c[0] for c in cases])
pairs = []; same_file = in_tree = mapped = 0
for path, expected in cases:
    if not os.path.exists(os.path.join(tree, expected)): continue
    in_tree += 1
    o = ours.get(path)
    if not o or o["error"] or not o["results"]: continue
    mapped += 1
    w = o["results"][0]
    same_file += expected in w["files"]
    rc, ref = perl(["-f", expected])
    op, ol = people_lists(w["recipients"])
    pairs.append((op, ol, {bare(a) for a in ref}))
print(f"syzkaller-guilty: {len(cases)} reports, {in_tree} with the guilty file present in 6.1, {mapped} mapped, "
      f"{same_file} to exactly that file")
compare("syzkaller-guilty (who on the report vs get_maintainer -f on the true file)", pairs)

# ---- crash logs without ground truth: coverage, and the matching itself on the file(s) who chose
for corpus in ["syzkaller-report", "satyr-kerneloopses"]:
    d = os.path.join(shared, "crashes", corpus)
    files = [os.path.join(d, f) for f in sorted(os.listdir(d))]
    if corpus == "syzkaller-report": files = [log_only(f, corpus)[0] for f in files]
    ours = who(files)
    how, pairs, with_crash = {}, [], 0
    for f in files:
        o = ours.get(f)
        if not o: continue
        if o["error"] and "no patch or kernel crash" in o["error"]: continue
        with_crash += 1
        if o["error"] or not o["results"]:
            how["unmapped"] = how.get("unmapped", 0) + 1; continue
        w = o["results"][0]
        how[w["how"]] = how.get(w["how"], 0) + 1
        rc, ref = perl(["-f"] + [x.rstrip("/") for x in w["files"]])
        if rc != 0: continue
        op, ol = people_lists(w["recipients"])
        pairs.append((op, ol, {bare(a) for a in ref}))
    print(f"{corpus}: {with_crash} inputs with a crash; mapped by " + ", ".join(f"{k} {v}" for k, v in sorted(how.items())))
    compare(f"{corpus} (perl -f on the chosen files)", pairs)
PY
