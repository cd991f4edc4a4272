#!/usr/bin/env bash
# Runs the main job on the bundled samples (samples/pipelines/demo.yaml) and shows what it wrote.
# Needs only the .NET SDK; everything else comes from NuGet on the first build.
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet build cli/DataForge.Cli --configuration Release --nologo --verbosity quiet
dataforge() { dotnet cli/DataForge.Cli/bin/Release/net10.0/dataforge.dll "$@"; }
dataforge run samples/pipelines/demo.yaml "$@"
dataforge inspect out/demo --show 3
dataforge inspect out/demo/shards --decode 0 --html out/demo/shards/report.html
