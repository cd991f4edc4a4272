#!/usr/bin/env bash
# Issue 11's GPU tokenizer runs, ON the GPU machine from the repository root (see ../README.md and shared/GPU.md):
#   1. conformance: GPU ids against CPU ids on the corpus and on FUZZED documents mutated from it (cl100k and o200k);
#   2. throughput: the GPU tokenizer on COPIES copies of the corpus in one call, against Python tiktoken on all cores;
#   3. the CPU tokenizer against Python tiktoken on 1, 2 (taskset to two cores), 4, 8 and all cores, ids compared by sha256;
#   4. `dataforge pack --device cuda` against `--device cpu` on the corpus: time and shard bytes.
# Needs artifacts/gpu/dataforge.tar.xz (bench/gpu/publish.sh, which includes DataForge.Bench) and
# artifacts/gpu/corpus.jsonl.xz; python3 with tiktoken and numpy there. Writes $OUT (default bench/out/gpu-tokenize).
# Usage: bash bench/gpu/tokenize.sh [COPIES] [FUZZED]
set -euo pipefail
copies=${1:-10}; fuzzed=${2:-50000}; backend=${BACKEND:-cuda}  # BACKEND=simulator: the kernel on the CPU, to try this script
out=${OUT:-bench/out/gpu-tokenize}; mkdir -p "$out"
work=${WORK:-$(mktemp -d)}; mkdir -p "$work"
[ -x "$work/publish/dataforge" ] || tar -xJf artifacts/gpu/dataforge.tar.xz -C "$work"
df="$work/publish/dataforge"; bench="$work/publish/DataForge.Bench"
cores=$(nproc)
corpus="$work/corpus.jsonl"; [ -f "$corpus" ] || xz -dc artifacts/gpu/corpus.jsonl.xz > "$corpus"
"$df" doctor | tee "$out/doctor.txt"
{ echo "cgroup cpu.max: $(cat /sys/fs/cgroup/cpu.max 2>/dev/null || echo none)"; lscpu | grep -E '^(CPU\(s\)|Thread|Core|Socket|Model name)'; } | tee "$out/cpu.txt"
results="$out/tokenize-results.jsonl"; : > "$results"
run() { echo "+ $*" >&2; "$@" | tee -a "$results"; }

run "$bench" gpu-conformance "$corpus" cl100k_base "$fuzzed" 11 "$backend"
run "$bench" gpu-conformance "$corpus" o200k_base "$fuzzed" 12 "$backend"
run "$bench" tokenize-gpu "$corpus" cl100k_base "$copies" "$backend"
run "$bench" tokenize-gpu "$corpus" o200k_base "$copies" "$backend"

"$bench" export-tiktoken cl100k_base "$work/cl100k_base.tiktoken"
for threads in 1 2 4 8 "$cores"; do
  pin=(); [ "$threads" = 2 ] && pin=(taskset -c 0,1)
  run "${pin[@]}" python3 bench/gpu/tiktoken_peer.py "$corpus" "$work/cl100k_base.tiktoken" "$threads"
  run "${pin[@]}" "$bench" tokenize "$corpus" cl100k_base "$threads"
done

for device in cpu cuda; do
  rm -rf "$work/pack-$device"
  start=$(date +%s%N)
  "$df" pack "$corpus" --out "$work/pack-$device" --seq-len 4096 --tokenizer cl100k_base --device "$device" -v 2>&1 | tee "$out/pack-$device.txt"
  echo "pack --device $device: $(( ($(date +%s%N) - start) / 1000000 )) ms" | tee -a "$out/pack-$device.txt"
  (cd "$work/pack-$device" && find . -name '*.parquet' -o -name index.json | sort | xargs sha256sum | sha256sum) | tee -a "$out/pack-$device.txt"
done

python3 - "$results" "$cores" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]
cores = sys.argv[2]
threads_of = lambda r: r["name"].split("(")[1].split(" ")[0]
peers = {threads_of(r): r for r in rows if r["name"].startswith("tiktoken")}
print("| run | MB/s | M tokens/s | × tiktoken, same threads | × tiktoken, all cores | ids sha256 |")
print("|---|---:|---:|---:|---:|---|")
for r in rows:
    if "identical" in r:
        print(f"| {r['name']} | | | | | {r['identical']} of {r['documents']} documents identical to the CPU's, {r['cpu_pieces']} pieces merged on the host |")
        continue
    same, full = peers.get(threads_of(r)), peers.get(cores)
    ratio = lambda p: f"{r['mb_per_s'] / p['mb_per_s']:.2f}" if p and "cl100k" in r["name"] else ""
    print(f"| {r['name']} | {r['mb_per_s']:.2f} | {r['tokens_per_s'] / 1e6:.2f} | {ratio(same)} | {ratio(full)} | {r['ids_sha256'][:12]} |")
PY
