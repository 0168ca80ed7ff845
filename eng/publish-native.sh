#!/usr/bin/env bash
# Publishes the NativeAOT tool as two binaries in one directory:
#   pidguard          every local command, without the cluster scope (-p:PidGuardCluster=false)
#   pidguard-cluster  the same tool with it; pidguard execs it for --cluster / $PIDGUARD_CLUSTER
# Why two: the cluster scope (Npgsql, TLS, cryptography) doubles the binary, and the dynamic loader
# relocates all of it at every start, so each local `status` paid ~2 ms for code it never ran
# (docs/BENCHMARKS.md). A single binary with both: dotnet publish src/PidGuard.Cli -c Release -r RID -p:PublishAot=true
# Usage: bash eng/publish-native.sh [OUTPUT_DIR] [RID]   (default out/native, linux-x64)
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(realpath -m "${1:-out/native}")
rid=${2:-linux-x64}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
publish() { # NAME CLUSTER
  dotnet publish src/PidGuard.Cli -c Release -r "$rid" -p:PublishAot=true -p:PidGuardCluster="$2" -p:PidGuardBinaryName="$1" \
    --artifacts-path "$work/artifacts-$1" -o "$work/$1" -nologo -v quiet
  mkdir -p "$out"
  cp "$work/$1/$1" "$out/$1"
}
publish pidguard false
publish pidguard-cluster true
ls -l "$out/pidguard" "$out/pidguard-cluster"
