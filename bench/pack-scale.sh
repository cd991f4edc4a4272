#!/usr/bin/env bash
# Pack at scale (issue 21), ON the GPU machine from the repository root: `dataforge pack --device cpu`, `--device
# cuda` and the Python peer (tiktoken on every core + best-fit-decreasing + pyarrow, bench/peers/pack/pack_peer.py)
# on COPIES copies of the benchmark corpus (each copy with its own ids), L = 4096, cl100k_base, one run each, same
# machine, same run; MB/s end to end, peak RSS (bench/peers/pack/timed.py: getrusage, no GNU time needed), ratios,
# and whether the two devices' shards are the same bytes. Also the tokenizer alone (DataForge.Bench tokenize, all
# cores), for the share of it that pack reaches.
# Needs artifacts/gpu/dataforge.tar.xz (bench/gpu/publish.sh) and artifacts/gpu/corpus.jsonl.xz (or bench/out/corpus.jsonl).
# Usage: bash bench/pack-scale.sh [COPIES]   (default 85: about 1 GB; PEER=0 leaves the Python peer out, WORK=DIR keeps the corpus)
set -euo pipefail
copies=${1:-85}
work=${WORK:-$(mktemp -d)}
[ -x "$work/publish/dataforge" ] || tar -xJf artifacts/gpu/dataforge.tar.xz -C "$work"
df="$work/publish/dataforge"; bench="$work/publish/DataForge.Bench"
corpus=bench/out/corpus.jsonl
mkdir -p bench/out
[ -f "$corpus" ] || xz -dc artifacts/gpu/corpus.jsonl.xz > "$corpus"
for copy in $(seq 1 "$copies"); do cat "$corpus"; done | python3 -c '
import json, sys
for i, line in enumerate(filter(str.strip, sys.stdin)):
    doc = json.loads(line); doc["id"] = f"d{i}"; sys.stdout.write(json.dumps(doc, ensure_ascii=False) + "\n")' > "$work/big.jsonl"
mb=$(python3 -c "import os,sys; print(round(os.path.getsize(sys.argv[1]) / 1048576, 1))" "$work/big.jsonl")
echo "corpus: $mb MB ($copies copies), $(nproc) cores"
"$bench" export-tiktoken cl100k_base "$work/cl100k.tiktoken" >/dev/null
echo "tokenizer alone: warm-up and ${BENCH_PASSES:-1} pass(es)"
alone=$(BENCH_PASSES=${BENCH_PASSES:-1} "$bench" tokenize "$work/big.jsonl" cl100k_base "$(nproc)" | python3 -c "import json,sys; print(round(json.loads(sys.stdin.read())['mb_per_s'], 1))")
declare -A seconds rss
for device in cpu cuda; do
  line=$(python3 bench/peers/pack/timed.py "$df" pack "$work/big.jsonl" --out "$work/pack-$device" --seq-len 4096 --tokenizer cl100k_base --device "$device")
  seconds[$device]=$(echo "$line" | python3 -c "import json,sys; print(json.loads(sys.stdin.read())['seconds'])")
  rss[$device]=$(echo "$line" | python3 -c "import json,sys; print(json.loads(sys.stdin.read())['peak_rss_mib'])")
  echo "pack --device $device: $line"
done
if [ "${PEER:-1}" = 1 ]; then
  line=$(python3 bench/peers/pack/timed.py python3 bench/peers/pack/pack_peer.py "$work/big.jsonl" "$work/cl100k.tiktoken" "$work/pack-python")
else
  line='{"exit": 0, "seconds": 0, "peak_rss_mib": 0}' # PEER=0: DataForge alone (profiling runs)
fi
echo "python peer: $line"
seconds[python]=$(echo "$line" | python3 -c "import json,sys; print(json.loads(sys.stdin.read())['seconds'])")
rss[python]=$(echo "$line" | python3 -c "import json,sys; print(json.loads(sys.stdin.read())['peak_rss_mib'])")
same=$( [ "$(cd "$work/pack-cpu" && sha256sum shard-*.parquet index.json | sha256sum)" = "$(cd "$work/pack-cuda" && sha256sum shard-*.parquet index.json | sha256sum)" ] && echo "same bytes" || echo "DIFFER")
python3 - "$mb" "$alone" "${seconds[cpu]}" "${seconds[cuda]}" "${seconds[python]}" "${rss[cpu]}" "${rss[cuda]}" "${rss[python]}" "$same" <<'PY'
import sys
mb, alone = float(sys.argv[1]), float(sys.argv[2])
cpu, cuda, python = (float(x) for x in sys.argv[3:6])
rss_cpu, rss_cuda, rss_python = sys.argv[6:9]
print("| | MB/s end to end | seconds | peak RSS MiB |\n|---|---:|---:|---:|")
print(f"| DataForge tokenizer alone, all cores | {alone} | | |")
print(f"| dataforge pack --device cpu | {mb / cpu:.1f} | {cpu} | {rss_cpu} |")
print(f"| dataforge pack --device cuda | {mb / cuda:.1f} | {cuda} | {rss_cuda} |")
print(f"| Python: tiktoken + best-fit-decreasing + pyarrow | {mb / python if python else 0:.1f} | {python} | {rss_python} |")
print(f"cuda / cpu {cpu / cuda:.2f}x; cpu / Python {python / cpu:.2f}x; pack cpu = {100 * mb / cpu / alone:.0f} % of the tokenizer alone; shards of the two devices: {sys.argv[9]}")
PY
