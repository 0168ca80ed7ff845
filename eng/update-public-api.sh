#!/usr/bin/env bash
# Rewrites PublicAPI.Unshipped.txt of each packaged library from what the compiler sees, so that a
# change to the public surface shows up as a diff of those files (review it before committing).
# The build runs Microsoft.CodeAnalysis.PublicApiAnalyzers; RS0016 names every undeclared symbol.
set -euo pipefail
cd "$(dirname "$0")/.."
for project in src/PidGuard src/PidGuard.Hosting src/PidGuard.Cluster.Postgres; do
  printf '#nullable enable\n' > "$project/PublicAPI.Unshipped.txt"
done
for project in src/PidGuard src/PidGuard.Hosting src/PidGuard.Cluster.Postgres; do
  symbols=$(dotnet build "$project" --no-incremental 2>&1 \
    | grep -oP "^/.*/$project/[^(]*\(\d+,\d+\): error RS0016: Symbol '\K.*(?=' is not part of the declared public API)" \
    | sed 's/&gt;/>/g; s/&lt;/</g' | sort -u || true)
  { printf '#nullable enable\n'; [ -n "$symbols" ] && printf '%s\n' "$symbols"; } > "$project/PublicAPI.Unshipped.txt"
  echo "$project: $(printf '%s' "$symbols" | grep -c . || true) symbols"
done
dotnet build src/PidGuard.Hosting >/dev/null && dotnet build src/PidGuard.Cluster.Postgres >/dev/null && echo "public API files are in step with the code"
