#!/usr/bin/env bash
# Mutation testing of the protocol files with Stryker.NET, a local .NET tool (.config/dotnet-tools.json).
# By default two focused passes (about 30 min each on 2 cores), then the score per file and overall
# (reports in artifacts/mutation*/reports/):
#   focus:   stryker-config.focus.json: signal decision, identity (token and lock-holder proof), stale
#            files, adopt, atomic writes, pid file, lock file, file ownership;
#   focus-b: stryker-config.focus-b.json: state file, probe, runtime directory, stop schedule;
# both against the in-process protocol, parsing, lock, status and runtime-directory tests.
# With --all, the full passes instead (3,710 mutants: hours on 2 cores):
#   1. stryker-config.json: every protocol file, against the in-process tests, with per-test coverage.
#      The multi-process scenarios (sandboxed CLI, hosting, stop and torture tests, the packaging test)
#      are left out: Stryker sees coverage only in the test process, and the protocol logic they run
#      in child processes is covered in-process as well.
#   2. stryker-config.signals.json: DaemonStopper.cs again, with coverage analysis off, against the
#      sandboxed StopTests: its schedule signals, which tests do only inside a PID namespace, that is,
#      in child processes (a mutant is active there too: they inherit Stryker's mutant file).
# About 40 minutes on 2 busy cores (docs/RELIABILITY.md, "Mutation testing"): not part of .ci/run.
#
#   eng/mutation.sh                # the two focused passes
#   eng/mutation.sh --survivors    # and list every mutant that was not detected
#   eng/mutation.sh --all          # every protocol file, then the signal pass
#   eng/mutation.sh --all --in-process   # every protocol file, without the signal pass
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
# The parser fuzz test would run its 200,000 inputs against every parser mutant: a tenth still finds them.
export PIDGUARD_FUZZ_ITERATIONS=${PIDGUARD_FUZZ_ITERATIONS:-20000}

survivors=
passes=(focus focus-b)
all=
for a in "$@"; do
  case "$a" in
    --survivors) survivors=--survivors ;;
    --all) all=1; passes=(in-process signals) ;;
    --in-process) [ -n "$all" ] && passes=(in-process) ;;
    *) echo "usage: eng/mutation.sh [--survivors] [--all [--in-process]]" >&2; exit 2 ;;
  esac
done

dotnet tool restore >/dev/null
reports=()
for pass in "${passes[@]}"; do
  config="$root/stryker-config.json"; out="$root/artifacts/mutation"
  case "$pass" in
    signals) config="$root/stryker-config.signals.json"; out="$root/artifacts/mutation-signals" ;;
    focus) config="$root/stryker-config.focus.json"; out="$root/artifacts/mutation-focus" ;;
    focus-b) config="$root/stryker-config.focus-b.json"; out="$root/artifacts/mutation-focus-b" ;;
  esac
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
