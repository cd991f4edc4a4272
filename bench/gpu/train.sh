#!/usr/bin/env bash
# Issue 9's GPU benchmark, run ON the GPU machine from the repository root (see ../README.md and shared/GPU.md):
#   `dataforge train --device cuda --preset small` against the same model in PyTorch eager (omni_moe_torch.py),
#   same shapes, same initial weights (--save-init), same rows per step (metrics.jsonl "rows"), one run each.
# Needs: artifacts/gpu/dataforge.tar.xz (bench/gpu/publish.sh) and artifacts/gpu/corpus.jsonl.xz
# (bench/make-corpus.sh, xz -9), carried to the machine; python3 with torch, pyarrow and safetensors there.
# Writes $OUT (default bench/out/gpu): the two runs' metrics, nvidia-smi memory samples, summary.json.
# Usage: bash bench/gpu/train.sh [STEPS] [ROWS] [ACCUMULATION] [PEAK_TFLOPS]
#   defaults 200 steps, micro-batches of 4 rows × 4096 tokens, 2 per step (32 768 tokens a step; one micro-batch of 8
#   rows peaks at about 100 GiB, over an H100's 80), 989 TFLOP/s = H100/H200 SXM dense bf16.
set -euo pipefail
steps=${1:-200}; rows=${2:-4}; accumulation=${3:-2}; peak=${4:-989}
out=${OUT:-bench/out/gpu}; mkdir -p "$out"
work=${WORK:-$(mktemp -d)}; mkdir -p "$work"
tar -xJf artifacts/gpu/dataforge.tar.xz -C "$work"
df="$work/publish/dataforge"
"$df" doctor | tee "$out/doctor.txt"
xz -dc artifacts/gpu/corpus.jsonl.xz > "$work/corpus.jsonl"
"$df" pack "$work/corpus.jsonl" --out "$work/shards" --seq-len 4096 --tokenizer cl100k_base > "$out/pack.txt"
sample_memory() { nvidia-smi --query-gpu=memory.used --format=csv,noheader,nounits -lms 200 > "$1" & echo $!; }
peak_memory() { sort -n "$1" | tail -n 1; }

if [ -d out/demo/shards ] && [ "${DEMO:-1}" = 1 ]; then
  "$df" train --shards out/demo/shards --out "$work/run-demo" --preset small --device cuda --steps 30 --batch-size 4 --no-media 2>&1 | tail -n 4 | tee "$out/demo.txt"
fi

sampler=$(sample_memory "$out/memory-dataforge.txt")
"$df" train --shards "$work/shards" --out "$work/run" --preset small --device cuda --steps "$steps" --batch-size "$rows" --accumulation "$accumulation" \
  --save-init --eval-every 100000 --checkpoint-every 100000 2>&1 | grep -E "^(model|cuda|step [0-9]*0/)" | tee "$out/dataforge.txt"
kill "$sampler"
cp "$work/run/metrics.jsonl" "$out/metrics-dataforge.jsonl"; cp "$work/run/run.json" "$out/run.json"

sampler=$(sample_memory "$out/memory-pytorch.txt")
PYTHONUNBUFFERED=1 python3 bench/gpu/omni_moe_torch.py --shards "$work/shards" --run "$work/run" --out "$out/metrics-pytorch.jsonl" | tee "$out/pytorch.txt"
kill "$sampler"

python3 bench/gpu/compare.py "$out/metrics-dataforge.jsonl" "$out/metrics-pytorch.jsonl" "$peak" > "$out/summary.json"
python3 - "$out/summary.json" "$(peak_memory "$out/memory-dataforge.txt")" "$(peak_memory "$out/memory-pytorch.txt")" <<'PY'
import json, sys
path, ours, peer = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
s = json.load(open(path)); s["dataforge"]["peak_gpu_memory_mib"] = ours; s["pytorch"]["peak_gpu_memory_mib"] = peer
json.dump(s, open(path, "w"), indent=2); print(json.dumps(s, indent=2))
PY
