#!/usr/bin/env bash
# Mixing throughput and share error (issue 20). Three shard sets of about TOKENS_M million real tokens each (default
# 256: about 1 GB of int32 token ids per source; built by packing copies of bench/make-corpus.sh's corpus once at
# L = 4096 and hard-linking the set three times, since mixing never looks at the text) are blended at 45/45/10 by
# `dataforge mix`, timed with GNU time (rows/s, peak RSS), and the worst 1000-row window's share error read from
# index.json. The peer, given the same sources and rule, is a pyarrow script (bench/peers/mix/blend_peer.py; skipped
# where python3 has no pyarrow). Then the trainer: tokens/s of `train --shards A` against `train --data 0.45 A 0.45 B
# 0.1 C` (tiny preset, CPU, the same steps), the median over steps after the first three: the blend should cost
# nothing measurable.
# Usage: bash bench/mix.sh [TOKENS_M] [TRAIN_STEPS]
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
[ -f "$corpus" ] || bash bench/make-corpus.sh "$corpus" 13
# About 3.7 M cl100k tokens per copy of the 13 MB corpus.
copies=$(( (tokens_m * 10 + 36) / 37 ))
for copy in $(seq 1 "$copies"); do cat "$corpus"; done | node -e '
  const rl = require("readline").createInterface({ input: process.stdin }); let i = 0;
  rl.on("line", line => { if (!line) return; const doc = JSON.parse(line); doc.id = `d${i++}`; process.stdout.write(JSON.stringify(doc) + "\n"); });' > "$work/corpus.jsonl"
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
/usr/bin/time -f "%e %M" -o "$work/time.txt" $dataforge mix "$work/mixture.yaml" --out "$work/mixed" >"$work/mix.txt"
read -r seconds rss_kb < "$work/time.txt"
peer="skipped (no pyarrow)"
if python3 -c "import pyarrow" 2>/dev/null; then
  peer=$(python3 bench/peers/mix/blend_peer.py "$work/peer" 0.45 "$work/A" 0.45 "$work/B" 0.10 "$work/C")
fi
node -e '
  const [out, seconds, rssKb, peer] = process.argv.slice(1);
  const index = JSON.parse(require("fs").readFileSync(out + "/index.json", "utf8"));
  const rows = index.rows, perSecond = rows / seconds;
  console.log(`dataforge mix: ${rows} rows (${(index.real_tokens / 1e6).toFixed(1)} M tokens) in ${seconds} s = ${perSecond.toFixed(0)} rows/s, ${(index.real_tokens / seconds / 1e6).toFixed(1)} M tokens/s, peak RSS ${(rssKb / 1024).toFixed(0)} MiB`);
  console.log(`worst 1000-row window share error ${(index.mixture.worst_window_error * 100).toFixed(3)} points; ` + index.mixture.sources.map(s => `${s.name} ${(s.target_share * 100).toFixed(1)}% → ${(s.realised_share * 100).toFixed(2)}%`).join(", "));
  if (peer.startsWith("{")) { const p = JSON.parse(peer); console.log(`pyarrow peer: ${p.rows} rows in ${p.seconds} s = ${p.rows_per_second} rows/s; dataforge ${(perSecond / p.rows_per_second).toFixed(2)}x`); }
  else console.log(`pyarrow peer: ${peer}`);
' "$work/mixed" "$seconds" "$rss_kb" "$peer"
rm -rf "$work/mixed" "$work/peer"

# The trainer with and without a blend, same steps (CPU, tiny).
for mode in single blend; do
  run="$work/run-$mode"
  if [ "$mode" = single ]; then data=(--shards "$work/A"); else data=(--data 0.45 "$work/A" 0.45 "$work/B" 0.10 "$work/C"); fi
  $dataforge train "${data[@]}" --out "$run" --steps "$steps" --eval-every 1000 --checkpoint-every 1000 --no-media >/dev/null 2>&1
done
node -e '
  const fs = require("fs");
  const median = run => { const t = fs.readFileSync(run + "/metrics.jsonl", "utf8").split("\n").filter(Boolean).map(l => JSON.parse(l).tokens_per_second).slice(3).sort((a, b) => a - b); return t[Math.floor(t.length / 2)]; };
  const [single, blend] = process.argv.slice(1).map(median);
  console.log(`train tokens/s (median after step 3): --shards ${single.toFixed(0)}, --data blend ${blend.toFixed(0)} (${(blend / single).toFixed(3)}x)`);
' "$work/run-single" "$work/run-blend"
