#!/usr/bin/env bash
# The parsers' fuzzers at length (issue 10): the same seeded mutational fuzz tests the suite runs briefly, each given
# SECONDS of inputs (DATAFORGE_FUZZ_SECONDS), printing inputs tried and failures per parser.
# Usage: bash bench/fuzz.sh [SECONDS]   (default 60 per parser)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
dotnet build DataForge.sln -c Release --nologo --verbosity quiet >/dev/null
for project in Interleaved SegEdit Core Packing Training Speech Cli; do
  DATAFORGE_FUZZ_SECONDS=$seconds dotnet test tests/DataForge.$project.Tests -c Release --no-build \
    --filter "FullyQualifiedName~Fuzz|FullyQualifiedName~HostileInput" --logger "console;verbosity=detailed" 2>&1 \
    | grep -E "^\s*fuzz |Failed!|^input [0-9]+:" || true
done
