#!/usr/bin/env bash
# The in-process acquire+release cycle against the C floor (the same system calls), on tmpfs, in one run.
# Usage: bash bench/floor.sh   -> bench/results/floor.txt and BenchmarkDotNet's table
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p bench/results
gcc -O2 -o /tmp/pidguard-floor bench/cfloor/floor.c
dir=$(mktemp -d /dev/shm/pidguard-floor.XXXX)
{ /tmp/pidguard-floor "$dir/c" 200000 0; /tmp/pidguard-floor "$dir/c" 200000 1; } | tee bench/results/floor.txt
PIDGUARD_BENCH_DIR="$dir" dotnet run -c Release --project bench/PidGuard.Benchmarks -- --filter '*AcquireRelease*' --job short | tee -a bench/results/floor.txt | grep -E '^\|'
rm -rf "$dir"
