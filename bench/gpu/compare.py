#!/usr/bin/env python3
"""Side-by-side summary of a DataForge run and its PyTorch peer (bench/gpu/train.sh): throughput, MFU, loss agreement,
expert balance. Usage: python3 compare.py DATAFORGE_METRICS.jsonl PEER.jsonl PEAK_TFLOPS [skip]"""
import json, statistics, sys

ours = [json.loads(l) for l in open(sys.argv[1])]
peer = [json.loads(l) for l in open(sys.argv[2])]
peak = float(sys.argv[3])
skip = int(sys.argv[4]) if len(sys.argv) > 4 else 10
n = min(len(ours), len(peer))
med = lambda rows, key: statistics.median(r[key] for r in rows[skip:n])
summary = {"steps": n, "timed_steps": n - skip}
for name, rows in (("dataforge", ours), ("pytorch", peer)):
    summary[name] = {
        "tokens_per_second_median": round(med(rows, "tokens_per_second"), 1),
        "model_tflops_median": round(med(rows, "model_tflops"), 2),
        "mfu": round(med(rows, "model_tflops") / peak, 4),
        "loss_first": round(rows[0]["lm_loss"], 4),
        "loss_last": round(rows[n - 1]["lm_loss"], 4),
        "expert_load_cv_after_warmup": round(statistics.mean(statistics.mean(r["expert_load_cv"]) for r in rows[n // 2:n]), 4),
    }
summary["ratio_tokens_per_second"] = round(summary["dataforge"]["tokens_per_second_median"] / summary["pytorch"]["tokens_per_second_median"], 3)
diffs = [abs(a["lm_loss"] - b["lm_loss"]) for a, b in zip(ours[:n], peer[:n])]
rel = [abs(a["lm_loss"] - b["lm_loss"]) / b["lm_loss"] for a, b in zip(ours[:n], peer[:n])]
summary["loss_abs_diff_max"] = round(max(diffs), 4)
summary["loss_abs_diff_mean"] = round(statistics.mean(diffs), 4)
summary["loss_rel_diff_max"] = round(max(rel), 4)
window = 10
smooth = lambda rows: [statistics.mean(r["lm_loss"] for r in rows[i:i + window]) for i in range(0, n - window + 1)]
summary["loss_smoothed_abs_diff_max"] = round(max(abs(a - b) for a, b in zip(smooth(ours), smooth(peer))), 4)
print(json.dumps(summary, indent=2))
