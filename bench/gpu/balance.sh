#!/usr/bin/env bash
# Expert balance of the small preset on the GPU machine under several routing-bias settings, DataForge only (the
# PyTorch peer of train.sh shares the rule, so its balance is the same): for each RULE:RATE, a run of STEPS steps on
# the corpus of train.sh, reporting the per-step expert-load CV (mean over layers) averaged over the second half of
# the run, and the CV of the load summed over its last 50 steps.
# Usage: bash bench/gpu/balance.sh STEPS RULE:RATE[:AUX]... (WORK, OUT as in train.sh; reuses WORK/shards when present;
#   AUX is the Switch auxiliary loss weight, default the preset's)
set -euo pipefail
steps=$1; shift
out=${OUT:-bench/out/gpu}; mkdir -p "$out"
work=${WORK:-$(mktemp -d)}; mkdir -p "$work"
df="$work/publish/dataforge"
[ -x "$df" ] || tar -xJf artifacts/gpu/dataforge.tar.xz -C "$work"
if [ ! -f "$work/shards/index.json" ]; then
  xz -dc artifacts/gpu/corpus.jsonl.xz > "$work/corpus.jsonl"
  "$df" pack "$work/corpus.jsonl" --out "$work/shards" --seq-len 4096 --tokenizer cl100k_base > "$out/pack.txt"
fi
for variant in "$@"; do
  IFS=: read -r rule rate aux <<< "$variant"
  name="$rule-$rate${aux:+-aux$aux}"
  run="$work/balance-$name"; rm -rf "$run"
  "$df" train --shards "$work/shards" --out "$run" --preset small --device cuda --steps "$steps" --batch-size 4 --accumulation 2 \
    --bias-rule "$rule" --bias-rate "$rate" ${aux:+--aux-loss "$aux"} --eval-every 100000 --checkpoint-every 100000 > "$out/balance-$name.txt" 2>&1
  cp "$run/metrics.jsonl" "$out/metrics-balance-$name.jsonl"
  python3 - "$run/metrics.jsonl" "$variant" <<'PY'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
n = len(rows)
per_step = statistics.mean(statistics.mean(r["expert_load_cv"]) for r in rows[n // 2:])
tail = rows[-50:]
layers = len(tail[0]["expert_load"])
summed = []
for layer in range(layers):
    load = [sum(r["expert_load"][layer][e] for r in tail) for e in range(len(tail[0]["expert_load"][layer]))]
    m = statistics.mean(load); summed.append(statistics.pstdev(load) / m)
print(json.dumps({"variant": sys.argv[2], "cv_per_step_second_half": round(per_step, 4), "cv_last50_summed": round(statistics.mean(summed), 4),
                  "cv_per_step_last10": round(statistics.mean(statistics.mean(r["expert_load_cv"]) for r in rows[-10:]), 4),
                  "loss_last10": round(statistics.mean(r["lm_loss"] for r in rows[-10:]), 4),
                  "tokens_per_second_median": statistics.median(r["tokens_per_second"] for r in rows[10:])}))
PY
done
