#!/usr/bin/env bash
# Ingest benchmark, PostgreSQL beside SQLite: the whole io-uring archive (33,495 messages, 256 MiB) into a fresh
# SQLite file and into a fresh PostgreSQL database, wall time, peak RSS and CPU of the ktriage process each; then the
# same archive cut into two epochs ingested by two processes at once into another fresh PostgreSQL database.
# PostgreSQL: $KTRIAGE_BENCH_PG (postgres://… of a database this user may CREATE DATABASE from), else a throw-away
# local cluster started with .ci/postgres.sh (Debian's postgresql; fsync off, as in CI).
# Usage: bench/ingest-postgres.sh      Needs ../shared (or $KTRIAGE_SHARED).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
shared=${KTRIAGE_SHARED:-$root/../shared}
tarball=$shared/corpus/io-uring-0.git.tar
[[ -f $tarball ]] || { echo "bench/ingest-postgres.sh: $tarball not found (needs ../shared)" >&2; exit 1; }

work=$(mktemp -d /tmp/ktriage-bench-pg.XXXXXX)
# Stops only a cluster started here (not the caller's, whose KTRIAGE_TEST_PG_DIR may be in the environment).
started=
cleanup() { [[ -n $started ]] && "$root/.ci/postgres.sh" stop "$started"; rm -rf "$work"; }
trap cleanup EXIT
if [[ -z ${KTRIAGE_BENCH_PG:-} ]]; then
  eval "$("$root/.ci/postgres.sh" start)"
  started=$KTRIAGE_TEST_PG_DIR
  KTRIAGE_BENCH_PG=$KTRIAGE_TEST_PG
fi
tar xf "$tarball" -C "$work"
repo=$work/io-uring-0.git
dotnet publish "$root/src/Ktriage.Cli" -c Release -o "$work/bin" --nologo -v q >/dev/null

# new_db NAME: a fresh database on the server, its URL on stdout.
new_db() {
  psql "$KTRIAGE_BENCH_PG" -qc "DROP DATABASE IF EXISTS $1" -c "CREATE DATABASE $1" >/dev/null 2>&1
  python3 -c 'import sys, urllib.parse as u; p = u.urlsplit(sys.argv[1]); print(u.urlunsplit(p._replace(path="/" + sys.argv[2])))' "$KTRIAGE_BENCH_PG" "$1"
}

measure() {
  local name=$1; shift
  /usr/bin/time -f "%e %M %U %S" -o "$work/time" "$@" >"$work/out" 2>"$work/err" || { echo "$name failed:"; cat "$work/err"; exit 1; }
  read -r wall rss user sys < "$work/time"
  cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.1f", u + s }')
  printf '%-34s %8s s wall %6d MiB peak RSS %8s s CPU (ktriage process)\n' "$name" "$wall" $((rss / 1024)) "$cpu"
}

git -C "$repo" cat-file --batch-check < /dev/null >/dev/null
measure "SQLite, one process" "$work/bin/ktriage" ingest "$repo" --db "$work/k.db" --json
pg1=$(new_db ktriage_bench_one)
measure "PostgreSQL, one process" "$work/bin/ktriage" ingest "$repo" --db "$pg1" --json
cat "$work/out"

# Two epochs (public-inbox rolls over to git/1.git): the newest 9,164 commits as a new repository, epoch 0 the
# 24,331 before them. (Not half and half: git fast-export cannot export the commit whose blob is missing, the
# 9,165th newest; epoch 0 holds it and reports it, as the one-process ingest does.)
split=${KTRIAGE_BENCH_SPLIT:-9164}
git clone -q --bare "$repo" "$work/e0.git" && git -C "$work/e0.git" update-ref refs/heads/master "master~$split"
git init -q --bare "$work/e1.git"
git -C "$repo" fast-export "master~$split..master" | git -C "$work/e1.git" fast-import --quiet --date-format=raw-permissive
pg2=$(new_db ktriage_bench_two)
start=$(date +%s%N)
"$work/bin/ktriage" ingest "$work/e0.git" --list io-uring --db "$pg2" -q & a=$!
"$work/bin/ktriage" ingest "$work/e1.git" --list io-uring --db "$pg2" -q & b=$!
wait $a; wait $b
printf '%-34s %8d ms wall\n' "PostgreSQL, two epochs at once" $(( ($(date +%s%N) - start) / 1000000 ))
"$work/bin/ktriage" stats --db "$pg2"
