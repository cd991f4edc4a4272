#!/usr/bin/env bash
# A self-contained DataForge for the GPU machine (no .NET there): linux-x64, invariant globalization (no ICU needed;
# fine for tiktoken encodings, refused for NFC tokenizer.json files), without libtorch's CPU natives, which the
# machine's own PyTorch replaces (DataForgeExternalLibTorch, Directory.Build.targets). Writes artifacts/gpu/dataforge.tar.xz
# (xz: 48 MB where gzip gave 65 MB once ASP.NET Core came in for inspect --serve, too close to the device's 64 MiB carry).
# Usage: bash bench/gpu/publish.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
rm -rf artifacts/gpu/publish && mkdir -p artifacts/gpu
dotnet publish cli/DataForge.Cli -c Release -r linux-x64 --self-contained -p:InvariantGlobalization=true \
  -p:DataForgeExternalLibTorch=true -o artifacts/gpu/publish --nologo --verbosity quiet
# The benchmark driver beside it (GPU tokenizer runs, bench/gpu/tokenize.sh): same runtime and libraries, its own apphost.
dotnet publish bench/DataForge.Bench -c Release -r linux-x64 --self-contained -p:InvariantGlobalization=true \
  -o artifacts/gpu/publish --nologo --verbosity quiet
if ls artifacts/gpu/publish | grep -E '^lib(torch|torch_cpu|c10)\.so$' >/dev/null; then
  echo "publish still holds libtorch natives" >&2; exit 1
fi
rm -f artifacts/gpu/dataforge.tar.gz
tar -C artifacts/gpu -cf - publish | xz -T0 -6 > artifacts/gpu/dataforge.tar.xz
du -h artifacts/gpu/dataforge.tar.xz
