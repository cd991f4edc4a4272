#!/usr/bin/env bash
# Mixing throughput and share error (issue 20). Three shard sets of about TOKENS_M million real tokens each (default
# 256: about 1 GB of int32 token ids per source; built by packing copies of bench/make-corpus.sh's corpus once at
# L = 4096 and hard-linking the set three times, since mixing never looks at the text) are blended at 45/45/10 by
# `dataforge mix`, timed with GNU time (rows/s, peak RSS), and the worst 1000-row window's share error read from
# index.json. The peer, given the same sources and rule, is a pyarrow script (bench/peers/mix/blend_peer.py; skipped
# where python3 has no pyarrow). Then the trainer: tokens/s of `train --shards A` against `train --data 0.45 A 0.45 B
# 0.1 C` (tiny preset, CPU, the same steps), the median over steps after the first three: the blend should cost
# nothing measurable.
# Usage: bash bench/mix.sh [TOKENS_M] [TRAIN_STEPS]   (TRAIN_DEVICE=cuda TRAIN_PRESET=small on the GPU machine;
# DATAFORGE=path/to/dataforge to use a published binary)
set -euo pipefail
cd "$(dirname "$0")/.."
tokens_m=${1:-256}
steps=${2:-20}
mkdir -p bench/out
dataforge="${DATAFORGE:-dotnet cli/DataForge.Cli/bin/Release/net10.0/dataforge.dll}"
[ -n "${DATAFORGE:-}" ] || dotnet build cli/DataForge.Cli -c Release --nologo --verbosity quiet >/dev/null
work=bench/out/mix
rm -rf "$work" && mkdir -p "$work"
corpus=bench/out/corpus.jsonl
[ -f "$corpus" ] || { [ -f artifacts/gpu/corpus.jsonl.xz ] && xz -dc artifacts/gpu/corpus.jsonl.xz > "$corpus"; } || bash bench/make-corpus.sh "$corpus" 13
# About 3.7 M cl100k tokens per copy of the 13 MB corpus.
copies=$(( (tokens_m * 10 + 36) / 37 ))
for copy in $(seq 1 "$copies"); do cat "$corpus"; done | python3 -c '
import json, sys
for i, line in enumerate(filter(str.strip, sys.stdin)):
    doc = json.loads(line); doc["id"] = f"d{i}"; sys.stdout.write(json.dumps(doc, ensure_ascii=False) + "\n")' > "$work/corpus.jsonl"
echo "corpus: $(du -m "$work/corpus.jsonl" | cut -f1) MB ($copies copies)"
$dataforge pack "$work/corpus.jsonl" --out "$work/A" --seq-len 4096 >/dev/null
rm "$work/corpus.jsonl"
cp -al "$work/A" "$work/B" && cp -al "$work/A" "$work/C"
cat > "$work/mixture.yaml" <<YAML
seq_len: 4096
sources:
  - {name: a, path: A, weight: 0.45}
  - {name: b, path: B, weight: 0.45}
  - {name: c, path: C, weight: 0.10}
YAML
if [ -x /usr/bin/time ]; then
  /usr/bin/time -f "%e %M" -o "$work/time.txt" $dataforge mix "$work/mixture.yaml" --out "$work/mixed" >"$work/mix.txt"
  read -r seconds rss_kb < "$work/time.txt"
else
  started=$(date +%s.%N); $dataforge mix "$work/mixture.yaml" --out "$work/mixed" >"$work/mix.txt"
  seconds=$(python3 -c "import sys,time; print(round(time.time() - float(sys.argv[1]), 2))" "$started"); rss_kb=0
fi
peer="skipped (no pyarrow)"
if python3 -c "import pyarrow" 2>/dev/null; then
  peer=$(python3 bench/peers/mix/blend_peer.py "$work/peer" 0.45 "$work/A" 0.45 "$work/B" 0.10 "$work/C")
fi
python3 - "$work/mixed" "$seconds" "$rss_kb" "$peer" <<'PY'
import json, sys
out, seconds, rss_kb, peer = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), sys.argv[4]
index = json.load(open(out + "/index.json"))
rows, per_second = index["rows"], index["rows"] / seconds
print(f"dataforge mix: {rows} rows ({index['real_tokens'] / 1e6:.1f} M tokens) in {seconds} s = {per_second:.0f} rows/s, {index['real_tokens'] / seconds / 1e6:.1f} M tokens/s, peak RSS {rss_kb / 1024:.0f} MiB")
mixture = index["mixture"]
print(f"worst 1000-row window share error {mixture['worst_window_error'] * 100:.3f} points; " + ", ".join(f"{s['name']} {s['target_share'] * 100:.1f}% -> {s['realised_share'] * 100:.2f}%" for s in mixture["sources"]))
if peer.startswith("{"):
    p = json.loads(peer)
    print(f"pyarrow peer: {p['rows']} rows in {p['seconds']} s = {p['rows_per_second']} rows/s; dataforge {per_second / p['rows_per_second']:.2f}x")
else:
    print(f"pyarrow peer: {peer}")
PY
rm -rf "$work/mixed" "$work/peer"

# The trainer with and without a blend, same steps (CPU, tiny).
for mode in single blend; do
  run="$work/run-$mode"
  if [ "$mode" = single ]; then data=(--shards "$work/A"); else data=(--data 0.45 "$work/A" 0.45 "$work/B" 0.10 "$work/C"); fi
  $dataforge train "${data[@]}" --out "$run" --steps "$steps" --eval-every 1000 --checkpoint-every 1000 --no-media \
    --device "${TRAIN_DEVICE:-cpu}" --preset "${TRAIN_PRESET:-tiny}" >"$run.log" 2>&1 || { tail -5 "$run.log"; exit 1; }
done
python3 - "$work/run-single" "$work/run-blend" <<'PY'
import json, statistics, sys
def median(run):
    lines = [json.loads(line) for line in open(run + "/metrics.jsonl") if line.strip()]
    return statistics.median(line["tokens_per_second"] for line in lines[3:])
single, blend = (median(run) for run in sys.argv[1:3])
print(f"train tokens/s (median after step 3): --shards {single:.0f}, --data blend {blend:.0f} ({blend / single:.3f}x)")
PY
