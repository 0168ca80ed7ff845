#!/usr/bin/env bash
# Mutation testing of the protocol files with Stryker.NET, a local .NET tool (.config/dotnet-tools.json).
# Two passes, then the score per file and overall (reports in artifacts/mutation*/reports/):
#   1. stryker-config.json: every protocol file, against the in-process tests, with per-test coverage.
#      The multi-process scenarios (sandboxed CLI, hosting, stop and torture tests, the packaging test)
#      are left out: Stryker sees coverage only in the test process, and the protocol logic they run
#      in child processes is covered in-process as well.
#   2. stryker-config.signals.json: DaemonStopper.cs again, with coverage analysis off, against the
#      sandboxed StopTests: its schedule signals, which tests do only inside a PID namespace, that is,
#      in child processes (a mutant is active there too: they inherit Stryker's mutant file).
# About 40 minutes on 2 busy cores (docs/RELIABILITY.md, "Mutation testing"): not part of .ci/run.
#
#   eng/mutation.sh                # both passes
#   eng/mutation.sh --survivors    # and list every mutant that was not detected
#   eng/mutation.sh --in-process   # the first pass only
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
# The parser fuzz test would run its 200,000 inputs against every parser mutant: a tenth still finds them.
export PIDGUARD_FUZZ_ITERATIONS=${PIDGUARD_FUZZ_ITERATIONS:-20000}

survivors=
passes=(in-process signals)
for a in "$@"; do
  case "$a" in
    --survivors) survivors=--survivors ;;
    --in-process) passes=(in-process) ;;
    *) echo "usage: eng/mutation.sh [--survivors] [--in-process]" >&2; exit 2 ;;
  esac
done

dotnet tool restore >/dev/null
reports=()
for pass in "${passes[@]}"; do
  config="$root/stryker-config.json"; out="$root/artifacts/mutation"
  if [ "$pass" = signals ]; then config="$root/stryker-config.signals.json"; out="$root/artifacts/mutation-signals"; fi
  rm -rf "$out"
  start=$(date +%s)
  # Stryker runs from the test project: at the root it would find the solution and mutate every project.
  (cd tests/PidGuard.Tests && dotnet stryker --config-file "$config" --output "$out" --skip-version-check)
  elapsed=$(( $(date +%s) - start ))
  echo "pass '$pass' took $((elapsed / 60)) min $((elapsed % 60)) s"
  reports+=("$out/reports/mutation-report.json")
done
# Stryker swapped a mutated PidGuard.dll into the test output: rebuild so later test runs use the real one.
dotnet build tests/PidGuard.Tests --nologo -v q >/dev/null
python3 eng/mutation-score.py "${reports[@]}" $survivors
