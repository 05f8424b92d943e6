#!/usr/bin/env bash
# Ingest benchmark: the whole io-uring archive (33,495 messages, 256 MiB) into a fresh SQLite database,
# beside baselines measured in the same run:
#   floor  = git rev-list master | sed 's/$/:m/' | git cat-file --batch > /dev/null   (inflating every message)
#   public-inbox-index -L basic on a copy of the same epoch (Debian's public-inbox; --full also runs -L full)
# Usage: bench/ingest.sh [--full]      Needs ../shared (or $KTRIAGE_SHARED) and `apt-get install public-inbox`.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
shared=${KTRIAGE_SHARED:-$root/../shared}
tarball=$shared/corpus/io-uring-0.git.tar
[[ -f $tarball ]] || { echo "bench/ingest.sh: $tarball not found (needs ../shared)" >&2; exit 1; }
command -v public-inbox-index >/dev/null || { echo "bench/ingest.sh: public-inbox-index not found (apt-get install public-inbox)" >&2; exit 1; }

work=$(mktemp -d /tmp/ktriage-bench-ingest.XXXXXX)
trap 'rm -rf "$work"' EXIT
tar xf "$tarball" -C "$work"
repo=$work/io-uring-0.git
dotnet publish "$root/src/Ktriage.Cli" -c Release -o "$work/bin" --nologo -v q >/dev/null

# measure NAME CMD...: wall seconds, peak RSS (KiB) and CPU seconds (user+sys) of CMD into $wall / $rss / $cpu.
measure() {
  local name=$1; shift
  /usr/bin/time -f "%e %M %U %S" -o "$work/time" "$@" >"$work/out" 2>"$work/err" || { echo "$name failed:"; cat "$work/err"; exit 1; }
  read -r wall rss user sys < "$work/time"
  cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.1f", u + s }')
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

git -C "$repo" cat-file --batch-check < /dev/null >/dev/null   # warm the page cache for everyone
measure floor bash -c "cd '$repo' && git rev-list master | sed 's/\$/:m/' | git cat-file --batch > /dev/null"
floor=$wall

measure ktriage "$work/bin/ktriage" ingest "$repo" --db "$work/k.db" --json
kt=$wall; kt_rss=$((rss / 1024)); kt_cpu=$cpu
summary=$(cat "$work/out")

# What full-text indexing alone costs here: SQLite's FTS5 (one column, default tokenizer) over the same raw
# messages on one core, with no parsing at all. The issue's target assumes it is a small part of 3 x floor.
command -v sqlite3 >/dev/null && measure fts5-alone sqlite3 "$work/fts.db" "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;
  ATTACH '$work/k.db' AS k; CREATE VIRTUAL TABLE f USING fts5(body); INSERT INTO f SELECT CAST(raw AS TEXT) FROM k.copies;" && fts=$wall

mkdir -p "$work/pi/git"; cp -r "$repo" "$work/pi/git/0.git"; touch "$work/pi/inbox.lock"; : > "$work/pi-config"
PI_CONFIG=$work/pi-config measure pi-basic public-inbox-index -L basic "$work/pi"
pib=$wall; pib_cpu=$cpu

printf '%-44s %8s s\n' "floor (git cat-file --batch)" "$floor"
printf '%-44s %8s s  peak RSS %s MiB  CPU %s s  = %s x floor\n' "ktriage ingest (SQLite, FTS5 ready)" "$kt" "$kt_rss" "$kt_cpu" "$(ratio "$kt" "$floor")"
[[ -n ${fts:-} ]] && printf '%-44s %8s s  = %s x floor\n' "SQLite FTS5 alone over the raw messages" "$fts" "$(ratio "$fts" "$floor")"
printf '%-44s %8s s  CPU %s s  ktriage is %s x faster\n' "public-inbox-index -L basic" "$pib" "$pib_cpu" "$(ratio "$pib" "$kt")"
if [[ ${1:-} == --full ]]; then
  rm -rf "$work/pi2"; mkdir -p "$work/pi2/git"; cp -r "$repo" "$work/pi2/git/0.git"; touch "$work/pi2/inbox.lock"
  PI_CONFIG=$work/pi-config measure pi-full public-inbox-index -L full "$work/pi2"
  printf '%-44s %8s s  ktriage is %s x faster\n' "public-inbox-index -L full" "$wall" "$(ratio "$wall" "$kt")"
fi
echo "ktriage summary: $summary"
