#!/usr/bin/env bash
# The trainer's data loading from Parquet and from Arrow shards (issue 21): one shard set packed with --format both,
# trained twice with the same seed and steps, --shard-format parquet and arrow; per step the wait for the next batch
# (data_wait_seconds) and the loader's own time reading shards (data_read_seconds, read ahead on its own task), their
# medians after step 3, tokens/s, and whether the losses are equal.
# Usage: bash bench/train-formats.sh DATAFORGE CORPUS.jsonl [STEPS] [DEVICE] [PRESET]   (default 30 cuda small)
set -euo pipefail
df=$1; corpus=$2; steps=${3:-30}; device=${4:-cuda}; preset=${5:-small}
work=$(mktemp -d)
"$df" pack "$corpus" --out "$work/both" --seq-len 4096 --tokenizer cl100k_base --format both >/dev/null
for format in parquet arrow; do
  "$df" train --shards "$work/both" --out "$work/run-$format" --steps "$steps" --device "$device" --preset "$preset" \
    --shard-format "$format" --eval-every 100000 --checkpoint-every 100000 --no-media >"$work/run-$format.log" 2>&1 \
    || { tail -5 "$work/run-$format.log"; exit 1; }
done
python3 - "$work" <<'PY'
import json, statistics, sys
work = sys.argv[1]
runs = {f: [json.loads(l) for l in open(f"{work}/run-{f}/metrics.jsonl") if l.strip()] for f in ("parquet", "arrow")}
for f, lines in runs.items():
    later = lines[3:] or lines
    med = lambda key: statistics.median(line[key] for line in later)
    print(f"{f}: data wait {1000 * med('data_wait_seconds'):.2f} ms/step, loader read {1000 * med('data_read_seconds'):.2f} ms/step "
          f"(total {sum(l['data_read_seconds'] for l in lines):.2f} s over {len(lines)} steps), step {1000 * med('step_seconds'):.1f} ms, {med('tokens_per_second'):.0f} tokens/s")
same = [l["loss"] for l in runs["parquet"]] == [l["loss"] for l in runs["arrow"]]
print("losses equal:", same)
PY
du -sh "$work/both"/*.parquet "$work/both"/*.arrow 2>/dev/null | awk '{print $1}' | paste -sd' ' | sed 's/^/shard sizes: /' || true
rm -rf "$work"
