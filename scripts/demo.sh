#!/usr/bin/env bash
# Runs the main job on the bundled samples (samples/pipelines/demo.yaml, then caption tables: captions.yaml, the MM1 mixture:
# samples/mixtures/mm1.yaml, chats: chat.yaml, then the
# speech set: asr.yaml, then video clips: video.yaml) and shows what it wrote.
# Needs the .NET SDK (everything else comes from NuGet on the first build) and, for the speech set, ffmpeg:
# installed here with apt-get when it is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet build cli/DataForge.Cli --configuration Release --nologo --verbosity quiet
dataforge() { dotnet cli/DataForge.Cli/bin/Release/net10.0/dataforge.dll "$@"; }
dataforge run samples/pipelines/demo.yaml "$@"
dataforge inspect out/demo --show 3
dataforge inspect out/demo/shards --decode 0 --html out/demo/shards/report.html
# A short CPU training run of the bundled sparse MoE model on those shards (the loss falls; metrics.jsonl, checkpoints).
rm -rf out/demo-run
dataforge train --shards out/demo/shards --out out/demo-run --steps 20 --eval-every 10 --checkpoint-every 10
dataforge inspect out/demo-run --html out/demo-run/report.html
# Caption tables (a path,caption CSV and a JSON export of rows) over the bundled images: columns found by their names.
dataforge run samples/pipelines/captions.yaml
dataforge inspect out/captions --show 2
# MM1's data recipe (45 % interleaved documents, 45 % image-caption pairs, 10 % text, by tokens) over three sample sets:
# the shares every 1000 rows are checked and recorded in index.json; then a short training run on the mixture.
dataforge run samples/pipelines/web.yaml
dataforge run samples/pipelines/text.yaml
rm -rf out/mm1 out/mm1-run
dataforge mix samples/mixtures/mm1.yaml --out out/mm1
dataforge inspect out/mm1 --html out/mm1/report.html
dataforge train --shards out/mm1 --out out/mm1-run --steps 10 --eval-every 5 --checkpoint-every 10
# Conversations (LLaVA, ShareGPT, OpenAI messages) packed under Qwen2's chat template: markers are special-token ids,
# only assistant turns carry loss (the decode shows loss-free tokens inside ⟦ ⟧).
dataforge run samples/pipelines/chat.yaml
dataforge inspect out/chat/shards --decode 0
# WebDataset shards as img2dataset writes them (a brace list of tars), and a sample set exported back to WebDataset.
dataforge run samples/pipelines/webdataset.yaml
rm -rf out/webdataset-export
dataforge export webdataset out/chat --out out/webdataset-export --samples-per-shard 4
# Dialect speech: utterances with context prompts, speaker-disjoint splits, NeMo/Kaldi manifests, packed shards.
if ! command -v ffmpeg >/dev/null 2>&1; then
  echo "installing ffmpeg (apt-get), which the asr stage decodes audio with"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo
  $SUDO apt-get update -qq && $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ffmpeg >/dev/null
fi
dataforge run samples/pipelines/asr.yaml
dataforge inspect out/asr --show 2
# Video: clips with frames sampled on their timeline, the narrated clip's audio interleaved with its frames, the
# subtitled clip's cues as its target text; then a short training run on those shards (frames through the vision encoder).
dataforge run samples/pipelines/video.yaml
dataforge inspect out/video --show 3
dataforge inspect out/video/shards --decode 0
rm -rf out/video-run
dataforge train --shards out/video/shards --out out/video-run --steps 6 --eval-every 3 --checkpoint-every 6
