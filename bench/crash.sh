#!/usr/bin/env bash
# The kill -9 campaign at length (issue 10): every bundled pipeline killed with SIGKILL at seeded random moments,
# KILLS runs each (default 25), each resumed and compared byte for byte with an uninterrupted run, sample ids checked
# once each. The same harness as the test (tests/DataForge.Cli.Tests/KillCampaignTests.cs), with more runs; prints
# one line per pipeline with its kills by phase (before any output, in tasks, finishing).
# Usage: bash bench/crash.sh [KILLS]
set -euo pipefail
cd "$(dirname "$0")/.."
kills=${1:-25}
dotnet build tests/DataForge.Cli.Tests -c Release --nologo --verbosity quiet >/dev/null
DATAFORGE_KILLS=$kills dotnet test tests/DataForge.Cli.Tests -c Release --no-build --filter "FullyQualifiedName~KillCampaignTests" \
  --logger "console;verbosity=detailed" 2>&1 | tee "${TMPDIR:-/tmp}/dataforge-crash.log" | grep -E "kill campaign|Passed:|Failed:|Error Message|differs"
