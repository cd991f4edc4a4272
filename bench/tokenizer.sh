#!/usr/bin/env bash
# Tokenizer benchmark (issue 3): DataForge's CPU tokenizer against Hugging Face tokenizers (npm, native, all
# cores), OpenAI tiktoken (npm, WASM) and Microsoft.ML.Tokenizers, on one corpus, one encoding, one machine, one
# run, each given one warm-up pass and the median of BENCH_PASSES (5) passes. Every line carries a sha256 over all
# ids: equal hashes mean identical ids.
# Usage: bash bench/tokenizer.sh [CORPUS.jsonl]   (default: builds bench/out/corpus.jsonl with make-corpus.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p bench/out
corpus=${1:-bench/out/corpus.jsonl}
[ -f "$corpus" ] || bash bench/make-corpus.sh "$corpus" 13
[ -d bench/peers/node_modules ] || npm ci --prefix bench/peers --no-audit --no-fund --loglevel=error >/dev/null
[ -f bench/out/cl100k.tokenizer.json ] || node bench/peers/tokenize.mjs make-hf cl100k_base bench/out/cl100k.tokenizer.json
dotnet build bench/DataForge.Bench -c Release --nologo --verbosity quiet >/dev/null
bench="dotnet bench/DataForge.Bench/bin/Release/net10.0/DataForge.Bench.dll"
threads=$(nproc)
results=bench/out/tokenizer-results.jsonl
: > "$results"
run() { echo "+ $*" >&2; "$@" | tee -a "$results" >/dev/null; }
run node bench/peers/tokenize.mjs hf "$corpus" bench/out/cl100k.tokenizer.json
run node bench/peers/tokenize.mjs tiktoken "$corpus" cl100k_base
run $bench tokenize-ml "$corpus" cl100k_base 1
run $bench tokenize-ml "$corpus" cl100k_base "$threads"
run $bench tokenize "$corpus" cl100k_base 1
run $bench tokenize "$corpus" cl100k_base "$threads"
run $bench tokenize "$corpus" bench/out/cl100k.tokenizer.json "$threads"
node - "$results" "$(nproc)" "$(lscpu | sed -n 's/^Model name: *//p' | head -n 1)" <<'JS'
const [file, cores, cpu] = process.argv.slice(2);
const rows = require("fs").readFileSync(file, "utf8").split("\n").filter(Boolean).map(JSON.parse);
const hf = rows.find(r => r.name.startsWith("Hugging Face"));
const hashes = new Set(rows.map(r => r.ids_sha256));
console.log(`\ncorpus: ${(rows[0].bytes / 1048576).toFixed(1)} MB, ${rows[0].documents} documents, ${rows[0].tokens} tokens; ${cores} cores (${cpu})`);
console.log("| tokenizer | MB/s | M tokens/s | × HF tokenizers | ids |");
console.log("|---|---:|---:|---:|---|");
for (const r of rows) console.log(`| ${r.name} | ${r.mb_per_s.toFixed(2)} | ${(r.tokens_per_s / 1e6).toFixed(2)} | ${(r.mb_per_s / hf.mb_per_s).toFixed(2)} | ${r.ids_sha256 === hf.ids_sha256 ? "= HF" : "DIFFER"} |`);
console.log(hashes.size === 1 ? "\nall ids identical" : "\nIDS DIFFER between implementations");
JS
