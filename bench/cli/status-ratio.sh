#!/usr/bin/env bash
# `pidguard status` (NativeAOT) against a NativeAOT hello world built with InvariantGlobalization,
# measured pairwise in one run, medians compared. Uses hyperfine when installed, else alternates
# the two commands itself. Goal: ratio <= 1.25.
# Usage: bash bench/cli/status-ratio.sh [RUNS] [PIDGUARD_BINARY] [HELLO_BINARY]
#   (without binaries it publishes both into a temp directory first)
set -euo pipefail
cd "$(dirname "$0")/../.."
RUNS=${1:-500}
BIN=$(mktemp -d)
DIR=$(mktemp -d /dev/shm/pidguard-ratio.XXXX)
PG=${2:-}
HELLO=${3:-}
if [ -z "$PG" ]; then
  dotnet publish src/PidGuard.Cli -c Release -r linux-x64 -p:PublishAot=true -o "$BIN/pg" >/dev/null
  PG="$BIN/pg/pidguard"
fi
if [ -z "$HELLO" ]; then
  dotnet publish bench/HelloAot -c Release -r linux-x64 -p:PublishAot=true -o "$BIN/hello" >/dev/null
  HELLO="$BIN/hello/HelloAot"
fi
export PIDGUARD_RUNTIME_DIR="$DIR"
trap '"$PG" stop ratio >/dev/null 2>&1 || true; rm -rf "$BIN" "$DIR"' EXIT
"$PG" start ratio -- sleep 3600 >/dev/null

median() { sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

ROUNDS=20
PER=$(( (RUNS + ROUNDS - 1) / ROUNDS ))
: > "$BIN/status.ms"; : > "$BIN/hello.ms"
if command -v hyperfine >/dev/null; then
  # Pairwise: ROUNDS short hyperfine runs, the two commands in alternating order, so a burst of load
  # on this shared machine falls on both; every run's time goes into the medians.
  for r in $(seq 1 "$ROUNDS"); do
    if (( r % 2 )); then order=(status hello); else order=(hello status); fi
    args=()
    for name in "${order[@]}"; do
      args+=(-n "$name" "$([ "$name" = status ] && echo "$PG status ratio" || echo "$HELLO")")
    done
    hyperfine -N --warmup 5 --runs "$PER" --export-json "$BIN/h.json" "${args[@]}" >/dev/null 2>&1
    for name in status hello; do
      python3 -c "import json; d=json.load(open('$BIN/h.json')); r=[x for x in d['results'] if x['command']=='$name'][0]; print('\n'.join(str(t*1000) for t in r['times']))" >> "$BIN/$name.ms"
    done
  done
  HOW="hyperfine -N, $ROUNDS alternating rounds of $PER runs each"
else
  for i in $(seq 1 "$RUNS"); do
    for name in status hello; do
      if [ "$name" = status ]; then set -- "$PG" status ratio; else set -- "$HELLO"; fi
      s=$(date +%s%N); "$@" >/dev/null; e=$(date +%s%N)
      awk -v d=$(( e - s )) 'BEGIN { print d / 1000000 }' >> "$BIN/$name.ms"
    done
  done
  HOW="alternating runs ($RUNS each, timed by date +%s%N)"
fi
S=$(median < "$BIN/status.ms"); H=$(median < "$BIN/hello.ms")
echo "method: $HOW"
echo "pidguard status median: $S ms"
echo "NativeAOT hello (InvariantGlobalization) median: $H ms"
echo "ratio: $(awk -v s="$S" -v h="$H" 'BEGIN { printf "%.2f", s / h }')"
