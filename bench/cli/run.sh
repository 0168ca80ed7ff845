#!/usr/bin/env bash
# Whole-process timings of the NativeAOT pidguard against start-stop-daemon and a NativeAOT
# hello world, in one run. Needs hyperfine and start-stop-daemon (apt-get install hyperfine dpkg).
# Usage: bash bench/cli/run.sh [RUNS]   -> markdown tables in bench/cli/results/
set -euo pipefail
cd "$(dirname "$0")/../.."
# Run as PID 1 of a fresh PID namespace: bash reaps orphaned daemons there. (This machine's own
# init does not reap, which would leave start-stop-daemon waiting on zombies; pidguard is not
# affected, its pidfd reports the exit.)
if [ "$$" != 1 ] && [ -z "${PIDGUARD_BENCH_NS:-}" ]; then
  export PIDGUARD_BENCH_NS=1
  exec unshare -pf --mount-proc bash "$0" "$@"
fi
RUNS=${1:-200}
OUT=bench/cli/results; mkdir -p "$OUT"
BIN=$(mktemp -d); DIR=$(mktemp -d /dev/shm/pidguard-bench.XXXX); rmdir "$DIR"
trap 'rm -rf "$BIN"; pkill -f "pidguard-bench-sleep" || true' EXIT
dotnet publish src/PidGuard.Cli -c Release -r linux-x64 -p:PublishAot=true -o "$BIN/pg" >/dev/null
dotnet publish bench/HelloAot -c Release -r linux-x64 -p:PublishAot=true -o "$BIN/hello" >/dev/null
PG="$BIN/pg/pidguard"; HELLO="$BIN/hello/HelloAot"
export PIDGUARD_RUNTIME_DIR="$DIR"
# A daemon that exits at once on TERM, with a name we can find: sleep under an argv[0] marker.
cp /bin/sleep "$BIN/pidguard-bench-sleep"
SLEEP="$BIN/pidguard-bench-sleep"

"$PG" start st -- "$SLEEP" 3600 >/dev/null
start-stop-daemon --start --background --make-pidfile --pidfile "$BIN/ssd.pid" --exec "$SLEEP" -- 3600
hyperfine -N --warmup 20 --runs "$RUNS" --export-markdown "$OUT/status.md" \
  -n "pidguard status (NativeAOT)" "$PG status st" \
  -n "start-stop-daemon --status" "start-stop-daemon --status --pidfile $BIN/ssd.pid" \
  -n "NativeAOT hello world" "$HELLO"
"$PG" stop st >/dev/null; start-stop-daemon --stop --quiet --pidfile "$BIN/ssd.pid" --retry TERM/5 || true

for i in $(seq 1 1000); do "$PG" start "d$i" -- "$SLEEP" 3600 >/dev/null & if (( i % 50 == 0 )); then wait; fi; done; wait
hyperfine -N --warmup 3 --runs 20 --export-markdown "$OUT/list.md" \
  -n "pidguard list, 1000 running daemons" "$PG list" \
  -n "pidguard list --json, 1000 running daemons" "$PG list --json"
for i in $(seq 1 1000); do "$PG" stop "d$i" >/dev/null & if (( i % 50 == 0 )); then wait; fi; done; wait

hyperfine -N --warmup 3 --runs "$((RUNS / 4))" --export-markdown "$OUT/stop.md" \
  -n "pidguard stop (TERM, daemon exits at once)" --prepare "$PG start sp -- $SLEEP 3600" "$PG stop sp" \
  -n "start-stop-daemon --stop --retry TERM/5" \
     --prepare "start-stop-daemon --start --background --make-pidfile --pidfile $BIN/ssd.pid --exec $SLEEP -- 3600" \
     "start-stop-daemon --stop --pidfile $BIN/ssd.pid --retry TERM/5"

{ echo "Peak RSS (KiB), /usr/bin/time -f %M:"
  "$PG" start mem -- "$SLEEP" 3600 >/dev/null
  echo "pidguard status: $( { /usr/bin/time -f %M "$PG" status mem >/dev/null; } 2>&1 )"
  echo "start-stop-daemon --status: $( { /usr/bin/time -f %M start-stop-daemon --status --pidfile "$DIR/mem.pid"; } 2>&1 )"
  echo "NativeAOT hello: $( { /usr/bin/time -f %M "$HELLO" >/dev/null; } 2>&1 )"
  echo "supervisor of a running daemon (RSS KiB): $(awk '/VmRSS/{print $2}' /proc/$(cat "$DIR/mem.pid")/status)"
  "$PG" stop mem >/dev/null; } | tee "$OUT/memory.txt"
cat "$OUT"/status.md "$OUT"/list.md "$OUT"/stop.md
