#!/usr/bin/env bash
# Fuzzes every parser with AFL++ (Debian's afl++) through SharpFuzz, one target after the other, and prints per target:
# execs, execs/s, corpus entries (paths), crashes, hangs. Exits 1 when any target crashed or hung (CI runs it short).
#
#   bench/fuzz.sh [SECONDS-PER-TARGET] [TARGET...]      default 300 s, all targets (fuzz/Ktriage.Fuzz: `list`)
#
# Seeds come from the real inputs in ../shared (KTRIAGE_SHARED) plus fuzz/Ktriage.Fuzz/seeds; work files (instrumented
# build, corpora, findings) go to $KTRIAGE_FUZZ_DIR (default $TMPDIR/ktriage-fuzz). Runs at nice 10, one target at a time.
# A finding reproduces with: dotnet fuzz/Ktriage.Fuzz/bin/Release/net10.0/Ktriage.Fuzz.dll TARGET < FILE
set -euo pipefail
cd "$(dirname "$0")/.."

secs=${1:-300}
shift || true
targets=("$@")
work=${KTRIAGE_FUZZ_DIR:-${TMPDIR:-/tmp}/ktriage-fuzz}
shared=${KTRIAGE_SHARED:-$(cd .. && pwd)/shared}
# Per-input time limit (ms): a parser taking longer on an input of at most AFL's 1 MB is a hang. Generous because
# the machine is shared (a fixed limit: with "+" AFL would scale it down to ~80 ms).
timeout_ms=${KTRIAGE_FUZZ_TIMEOUT_MS:-5000}

command -v afl-fuzz >/dev/null || { echo "fuzz.sh: afl-fuzz not found (apt-get install afl++)" >&2; exit 1; }
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

# Build into our own directory, then instrument those copies in place (the normal build outputs stay untouched).
# MimeKit is instrumented too: the mime target's coverage is mostly MIME structure inside it.
bin=$work/bin
rm -rf "$bin"
mkdir -p "$work"
dotnet publish fuzz/Ktriage.Fuzz -c Release -o "$bin" -v q >"$work/build.log" 2>&1 || { cat "$work/build.log" >&2; exit 1; }
dotnet tool restore >/dev/null
for dll in Ktriage.Core.dll Ktriage.Sources.dll MimeKit.dll; do
  dotnet tool run sharpfuzz "$bin/$dll" >>"$work/build.log" 2>&1 || { cat "$work/build.log" >&2; exit 1; }
done
host=(dotnet "$bin/Ktriage.Fuzz.dll")
# Findings are replayed on the plain build: an exception thrown through instrumented code can surface as an
# AccessViolationException, which hides the parser's real exception and stack.
plain=(dotnet fuzz/Ktriage.Fuzz/bin/Release/net10.0/Ktriage.Fuzz.dll)
((${#targets[@]})) || mapfile -t targets < <("${host[@]}" list)

# Not an instrumented C binary (dotnet runs it); no TTY; the machine's CPU governor, core pattern and cores are not ours.
export AFL_SKIP_BIN_CHECK=1 AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_AFFINITY=1 \
  AFL_FAST_CAL=1

field() { sed -n "s/^$1 *: *//p" "$2"; }
count() { find "$1" -type f -name 'id:*' 2>/dev/null | wc -l; }

printf '%-9s %10s %8s %7s %7s %8s %6s\n' target execs execs/s paths found crashes hangs
failed=()
for t in "${targets[@]}"; do
  dir=$work/$t
  rm -rf "$dir"
  mkdir -p "$dir"
  "${host[@]}" seeds "$t" "$dir/in" "$shared" 2>"$dir/seeds.log" || { cat "$dir/seeds.log" >&2; exit 1; }
  dict=(); [ -f "fuzz/Ktriage.Fuzz/dict/$t.dict" ] && dict=(-x "fuzz/Ktriage.Fuzz/dict/$t.dict")
  rc=0
  nice -n 10 afl-fuzz -i "$dir/in" -o "$dir/out" "${dict[@]}" -t "$timeout_ms" -m none -V "$secs" -- "${host[@]}" "$t" \
    >"$dir/afl.log" 2>&1 || rc=$?
  s=$dir/out/default/fuzzer_stats
  if [ ! -f "$s" ] || ((rc != 0)); then
    echo "$t: afl-fuzz failed (exit $rc); last lines of $dir/afl.log:" >&2
    tail -n 15 "$dir/afl.log" | sed 's/\x1b\[[0-9;]*m//g' >&2
    failed+=("$t")
    continue
  fi
  execs=$(field execs_done "$s")
  run=$(field run_time "$s")
  crashes=$(count "$dir/out/default/crashes")
  hangs=$(count "$dir/out/default/hangs")
  printf '%-9s %10s %8s %7s %7s %8s %6s\n' "$t" "$execs" "$(( execs / (run > 0 ? run : 1) ))" \
    "$(field corpus_count "$s")" "$(field corpus_found "$s")" "$crashes" "$hangs"
  if ((crashes + hangs > 0)); then
    failed+=("$t")
    for f in $(find "$dir/out/default/crashes" "$dir/out/default/hangs" -type f -name 'id:*' | head -n 3); do
      echo "--- $t: $f (reproduce: ${plain[*]} $t < FILE)" >&2
      timeout 60 "${plain[@]}" "$t" <"$f" 2>&1 | head -n 12 >&2 || true
    done
  fi
done

if ((${#failed[@]})); then
  echo "fuzz.sh: crashes or hangs in: ${failed[*]} (findings under $work)" >&2
  exit 1
fi
