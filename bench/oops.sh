#!/usr/bin/env bash
# Crash analysis speed: all crash corpora (syzkaller, guilty, satyr, seeds) analysed N times, one core.
# Prints MB/s over everything and per-input p50/p99 (warm). Usage: bench/oops.sh [ROUNDS]
set -euo pipefail
cd "$(dirname "$0")/.."
SHARED="${KTRIAGE_SHARED:-../shared}"
[ -d "$SHARED/crashes" ] || { echo "bench/oops.sh: $SHARED/crashes not found" >&2; exit 1; }
dotnet build src/Ktriage.Cli -c Release -nologo -v q >/dev/null
BIN=src/Ktriage.Cli/bin/Release/net10.0/ktriage
files=("$SHARED"/crashes/syzkaller-report/* "$SHARED"/crashes/syzkaller-guilty/* "$SHARED"/crashes/satyr-kerneloopses/* "$SHARED"/seeds/*)
echo "== all crash corpora (${#files[@]} inputs), one core"
taskset -c 0 "$BIN" oops --bench "${1:-20}" "${files[@]}"
# Most mail has no crash at all: the prefilter must make it nearly free.
echo "== crash-free mail (patchwork + public-inbox test mails)"
taskset -c 0 "$BIN" oops --bench "${1:-20}" "$SHARED"/mail/patchwork/*.mbox "$SHARED"/mail/public-inbox/*
