#!/usr/bin/env bash
# The hostile-input campaign (issue 18): every case of bench/hostile/cases.py run under /usr/bin/time -v with a
# deadline and a memory watchdog; prints case, exit code, wall time, peak RSS and a verdict, and exits 1 if any failed.
# Needs python3, ffmpeg and GNU time. Usage: bash bench/hostile.sh [--rss-mb 1024] [--timeout 120] [--only TEXT]
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet build cli/DataForge.Cli -c Release --nologo --verbosity quiet >/dev/null
exec python3 bench/hostile/campaign.py "$@"
