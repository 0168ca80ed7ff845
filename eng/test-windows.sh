#!/usr/bin/env bash
# Runs the Windows platform layer's tests (tests/PidGuard.Windows.Tests) under Wine: installs
# wine if missing, publishes the test executable self-contained for win-x64, runs it (it is its
# own xunit.v3 runner) in a throw-away WINEPREFIX, and ends with one line "N passed, N failed".
#
#   eng/test-windows.sh [runner options...]     e.g. -filter "/*/*/LockFileTests/*"
#
# Environment: PIDGUARD_WINE_WORK (a directory to reuse: keeps the prefix and the published
# files between runs; default: a new one under /tmp, removed afterwards), PIDGUARD_WINE_TIMEOUT
# (seconds for the test run, default 600).
set -uo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

fail() {
  echo "test-windows: $1" >&2
  echo "0 passed, 1 failed"
  exit 1
}

if ! command -v wine >/dev/null 2>&1; then
  [ "$(id -u)" = 0 ] || fail "wine is not installed and this is not root (apt-get install -y --no-install-recommends wine wine64)"
  echo "test-windows: installing wine" >&2
  { DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends wine wine64 >/dev/null 2>&1 \
    || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends wine wine64 >/dev/null; }; } \
    || fail "could not install wine"
fi

if [ -n "${PIDGUARD_WINE_WORK:-}" ]; then
  work=$PIDGUARD_WINE_WORK
  mkdir -p "$work"
  keep=1
else
  work=$(mktemp -d /tmp/pidguard-wine.XXXXXX)
  keep=0
fi
publish="$work/publish"

echo "test-windows: publishing tests/PidGuard.Windows.Tests for win-x64" >&2
dotnet publish tests/PidGuard.Windows.Tests -c Release -r win-x64 --self-contained -o "$publish" -nologo -v quiet >"$work/publish.log" 2>&1 \
  || { cat "$work/publish.log" >&2; fail "dotnet publish failed"; }

# Wine traps (../shared/notes/wine.md): never override mscoree (.NET then cannot load); an
# unhandled exception opens winedbg and wine exits 0 unless winedbg is disabled, so the runner's
# summary line is required as well; no display; a Linux DOTNET_ROOT must not leak into wine.
export WINEPREFIX="$work/prefix" WINEDEBUG=-all WINEDLLOVERRIDES="winedbg.exe=d" WINEARCH=win64
unset DISPLAY WAYLAND_DISPLAY DOTNET_ROOT DOTNET_ROOT_X64

# Wine processes of this prefix that outlive the run (wineserver -k normally ends them all; a
# helper killed while it was starting has been seen to stay) are found by their executable and
# the WINEPREFIX in their environment, and ended by PID.
end_leftovers() {
  wineserver -k >/dev/null 2>&1
  local pids=() dir pid
  for dir in /proc/[0-9]*; do
    pid=${dir#/proc/}
    case "$(readlink "$dir/exe" 2>/dev/null)" in */wine*) ;; *) continue ;; esac
    if { tr '\0' '\n' <"$dir/environ" | grep -qxF "WINEPREFIX=$WINEPREFIX"; } 2>/dev/null; then
      pids+=("$pid")
    fi
  done
  [ ${#pids[@]} -eq 0 ] || kill -9 "${pids[@]}" 2>/dev/null
  return 0
}
cleanup() {
  end_leftovers
  [ "$keep" = 1 ] || rm -rf "$work"
}
trap cleanup EXIT

if [ ! -f "$WINEPREFIX/system.reg" ]; then
  echo "test-windows: creating the Wine prefix" >&2
  wineboot -i >/dev/null 2>&1
  wine reg add 'HKCU\Software\Wine' /v Version /t REG_SZ /d win10 /f >/dev/null 2>&1
fi

log="$work/run.log"
junit="$work/results.junit.xml"
rm -f "$junit"
limit=${PIDGUARD_WINE_TIMEOUT:-600}
# Output goes to a file, not a pipe: a helper process that outlived the run must not hold it open.
# The verbose reporter names every test as it finishes, so the counts survive a runner that dies.
start=$(date +%s)
: >"$log"
timeout "$limit" wine "$publish/PidGuard.Windows.Tests.exe" -noColor -noLogo -reporter verbose -stopOnFail \
  -result-junit "$(winepath -w "$junit")" "$@" >"$log" 2>&1 &
runner=$!
# Under Wine, once a test has failed the test process has been seen to crash ("Internal CLR
# error") or hang at its next process start (docs/WINDOWS.md). So after the first failure the
# runner gets a grace period to print its summary, then the prefix is ended.
grace_until=""
while kill -0 "$runner" 2>/dev/null; do
  if [ -z "$grace_until" ] && grep -qE '\[FAIL\]|^Fatal error' "$log"; then
    grace_until=$(( $(date +%s) + 30 ))
  fi
  if [ -n "$grace_until" ] && [ "$(date +%s)" -ge "$grace_until" ]; then
    echo "test-windows: the runner did not finish within 30s of a failure; ending it" >&2
    end_leftovers
    break
  fi
  sleep 1
done
wait "$runner"
status=$?
elapsed=$(( $(date +%s) - start ))
grep -vE '\[(STARTING|FINISHED)\]' "$log"

# "   PidGuard.Windows.Tests  Total: 32, Errors: 0, Failed: 0, Skipped: 1, Not Run: 0, Time: 6.1s"
summary=$(grep -E '^ +PidGuard\.Windows\.Tests +Total: [0-9]+' "$log" | tail -n 1)
if [ -n "$summary" ]; then
  # With no test selected the line is just "Total: 0".
  field() { local v; v=$(sed -n "s/.*$1: \([0-9]*\).*/\1/p" <<<"$summary"); echo "${v:-0}"; }
  total=$(field Total); errors=$(field Errors); failed=$(field Failed); skipped=$(field Skipped); notrun=$(field 'Not Run')
  failed=$((failed + errors))
  passed=$((total - failed - skipped - notrun))
  if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
    echo "test-windows: the runner exited $status without a failed test" >&2
    failed=1
  fi
else
  # No summary: the runner crashed, hung or timed out. Count what it reported, and the crash.
  finished=$(grep -c '\[FINISHED\]' "$log"); failed=$(grep -c '\[FAIL\]' "$log"); skipped=$(grep -c '\[SKIP\]' "$log")
  passed=$((finished - failed - skipped)); notrun="?"
  [ "$failed" -gt 0 ] || failed=1
  echo "test-windows: no runner summary after ${elapsed}s (wine exit $status): the run crashed or timed out" >&2
fi
where=""; [ "$keep" = 1 ] && where="; log $log, JUnit $junit"
echo "test-windows: ${skipped} skipped, ${notrun} not run, ${elapsed}s under Wine$where" >&2
echo "${passed} passed, ${failed} failed"
[ "$failed" -eq 0 ]
