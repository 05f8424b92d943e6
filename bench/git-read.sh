#!/usr/bin/env bash
# Reading speed of a public-inbox epoch: the git floor vs ktriage's reader (Ktriage.Sources) vs LibGit2Sharp.
# Usage: bench/git-read.sh [EPOCH.git]      (default: io-uring-0.git extracted from ../shared/corpus to a temp dir)
#        RUNS=5 bench/git-read.sh           (runs per reader; the best and the median are printed)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
runs=${RUNS:-3}

repo=${1:-}
if [[ -z $repo ]]; then
  shared=${KTRIAGE_SHARED:-}
  d=$root
  while [[ -z $shared && $d != / ]]; do [[ -d $d/shared/corpus ]] && shared=$d/shared; d=$(dirname "$d"); done
  tar=${shared:-/nonexistent}/corpus/io-uring-0.git.tar
  [[ -f $tar ]] || { echo "git-read.sh: $tar not found; give an epoch repo as argument" >&2; exit 1; }
  tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
  tar xf "$tar" -C "$tmp"
  repo=$tmp/io-uring-0.git
fi

dotnet build -c Release "$root/bench/GitReadBench" -nologo -v q >/dev/null
bin=$root/bench/GitReadBench/bin/Release/net10.0/GitReadBench.dll

# Times one command RUNS times; prints "best median" wall seconds.
measure() {
  local times=() t
  for ((i = 0; i < runs; i++)); do
    local s=$(date +%s.%N)
    "$@" >/dev/null
    times+=("$(echo "$(date +%s.%N) - $s" | bc)")
  done
  printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {printf "%.2f %.2f\n", a[1], a[int((NR+1)/2)]}'
}

floor() { git --git-dir="$repo" rev-list master | sed 's/$/:m/' | git --git-dir="$repo" cat-file --batch >/dev/null; }

echo "repo: $repo ($(git --git-dir="$repo" rev-list --count master) commits), $(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg)"
read -r fb fm < <(measure floor)
read -r sb sm < <(measure dotnet "$bin" sources "$repo")
read -r lb lm < <(measure dotnet "$bin" libgit2 "$repo")
printf '%-52s %6s %6s %7s\n' reader best median "x floor"
printf '%-52s %6s %6s %7s\n' "floor: rev-list | sed :m | cat-file --batch" "$fb" "$fm" 1.00
printf '%-52s %6s %6s %7.2f\n' "ktriage GitRepoSource (log --raw + cat-file)" "$sb" "$sm" "$(echo "$sb / $fb" | bc -l)"
printf '%-52s %6s %6s %7.2f\n' "LibGit2Sharp 0.32.0 (commit walk, tree[m], blob)" "$lb" "$lm" "$(echo "$lb / $fb" | bc -l)"
echo "last run of each reader:"
dotnet "$bin" sources "$repo"
dotnet "$bin" libgit2 "$repo"
