#!/usr/bin/env bash
# Peak RSS of `dataforge pack` (--device cpu, or DEVICE) as the input grows (issue 21: bounded and flat from 1 GB to 5 GB): the
# corpus given, then it repeated N times (read-text gives each line its own id from its place), L = 4096,
# cl100k_base; seconds, MB/s and peak RSS (bench/peers/pack/timed.py, getrusage) for each size.
# Usage: bash bench/pack-rss.sh DATAFORGE CORPUS.jsonl [TIMES]   (default 5; DEVICE=cuda for the GPU path)
set -euo pipefail
df=$1; corpus=$2; times=${3:-5}
work=$(mktemp -d)
for n in 1 "$times"; do
  input="$corpus"
  if [ "$n" != 1 ]; then input="$work/x$n.jsonl"; for _ in $(seq 1 "$n"); do cat "$corpus"; done > "$input"; fi
  mb=$(python3 -c "import os,sys; print(round(os.path.getsize(sys.argv[1]) / 1048576, 1))" "$input")
  line=$(python3 bench/peers/pack/timed.py "$df" pack "$input" --out "$work/out-$n" --seq-len 4096 --tokenizer cl100k_base --device "${DEVICE:-cpu}")
  python3 -c "import json,sys; d=json.loads(sys.argv[1]); print(f'{sys.argv[2]} MiB: {d[\"seconds\"]} s, {float(sys.argv[2]) / d[\"seconds\"]:.1f} MiB/s, peak RSS {d[\"peak_rss_mib\"]} MiB')" "$line" "$mb"
  rm -rf "$work/out-$n" "$work/x$n.jsonl"
done
rm -rf "$work"
