#!/usr/bin/env bash
# The phase profile of `dataforge pack` (issue 21): runs it once under EventPipe's sample profiler (started by the
# runtime's own DOTNET_EnableEventPipe variables, so it works in the self-contained publish on the GPU machine, where
# there is no dotnet-trace) and writes a .nettrace; convert and summarise it where dotnet-trace is installed:
#   dotnet-trace convert --format Speedscope TRACE.nettrace && python3 bench/peers/pack/phases.py TRACE.speedscope.json [--timeline]
# Usage: bash bench/pack-profile.sh DATAFORGE CORPUS.jsonl TRACE.nettrace [pack options…]
set -euo pipefail
df=$1; corpus=$2; trace=$3; shift 3
out=$(mktemp -d)
DOTNET_EnableEventPipe=1 DOTNET_EventPipeOutputPath="$trace" DOTNET_EventPipeCircularMB=2048 \
  DOTNET_EventPipeConfig='Microsoft-DotNETCore-SampleProfiler:0:5,Microsoft-Windows-DotNETRuntime:0x1:4' \
  "$df" pack "$corpus" --out "$out/pack" --seq-len 4096 --tokenizer cl100k_base "$@"
rm -rf "$out"
ls -la "$trace"
