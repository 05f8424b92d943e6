#!/usr/bin/env bash
# Crash analysis over every message of a real archive (what ingest pays): io-uring epoch 0, 33k mails,
# dumped one message per file, analysed on one core. Prints CPU seconds per pass and the slowest mails.
# Usage: bench/oops-archive.sh [ROUNDS]
set -euo pipefail
cd "$(dirname "$0")/.."
SHARED="${KTRIAGE_SHARED:-../shared}"
WORK="${TMPDIR:-/tmp}/ktriage-oops-archive"
if [ ! -d "$WORK/msgs" ]; then
  mkdir -p "$WORK/msgs"
  tar xf "$SHARED/corpus/io-uring-0.git.tar" -C "$WORK"
  # One file per message, named by commit so a slow one can be looked up with git show <commit>:m.
  git --git-dir="$WORK/io-uring-0.git" rev-list master | sed 's/$/:m/' |
    git --git-dir="$WORK/io-uring-0.git" cat-file --batch | python3 -c '
import sys
f, out = sys.stdin.buffer, sys.argv[1]
while (h := f.readline()):
    p = h.split()
    if p[1] == b"missing": continue  # the one blob this mirror lacks
    data = f.read(int(p[2])); f.read(1)
    open(out + "/" + p[0].decode().split(":")[0], "wb").write(data)' "$WORK/msgs"
fi
dotnet build src/Ktriage.Cli -c Release -nologo -v q >/dev/null
echo "== io-uring archive ($(ls "$WORK/msgs" | wc -l) messages), one core"
taskset -c 0 src/Ktriage.Cli/bin/Release/net10.0/ktriage oops --bench "${1:-1}" "$WORK/msgs"
