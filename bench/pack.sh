#!/usr/bin/env bash
# Pack throughput and peak memory (issue 3): `dataforge pack` on the benchmark corpus at 1× and 10× its size,
# L = 4096, cl100k_base. Reports documents/s, MB/s, fill and peak RSS (GNU time). Peak memory should not grow with
# the input: the packer holds one window of documents, the writers one row group.
# Usage: bash bench/pack.sh [CORPUS.jsonl]
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p bench/out
corpus=${1:-bench/out/corpus.jsonl}
[ -f "$corpus" ] || bash bench/make-corpus.sh "$corpus" 13
dotnet build cli/DataForge.Cli -c Release --nologo --verbosity quiet >/dev/null
dataforge="dotnet cli/DataForge.Cli/bin/Release/net10.0/dataforge.dll"
big=bench/out/corpus-10x.jsonl
if [ ! -f "$big" ]; then
  for copy in $(seq 0 9); do node -e '
    const [file, copy] = process.argv.slice(1);
    for (const [i, line] of require("fs").readFileSync(file, "utf8").split("\n").filter(Boolean).entries()) {
      const doc = JSON.parse(line); doc.id = `c${copy}-${i}`; process.stdout.write(JSON.stringify(doc) + "\n"); }' "$corpus" "$copy"; done > "$big"
fi
for input in "$corpus" "$big"; do
  out=bench/out/pack-$(basename "$input" .jsonl)
  rm -rf "$out"
  echo "+ $dataforge pack $input --out $out --seq-len 4096" >&2
  /usr/bin/time -f "%e %M" -o bench/out/time.txt $dataforge pack "$input" --out "$out" --seq-len 4096 >/dev/null
  read -r seconds rss_kb < bench/out/time.txt
  node -e '
    const [input, out, seconds, rssKb] = process.argv.slice(1);
    const fs = require("fs");
    const index = JSON.parse(fs.readFileSync(out + "/index.json", "utf8"));
    const bytes = fs.statSync(input).size, docs = fs.readFileSync(input, "utf8").split("\n").filter(Boolean).length;
    console.log(`${input}: ${docs} documents, ${(bytes / 1048576).toFixed(1)} MB → ${index.rows} rows, fill ${(index.fill_ratio * 100).toFixed(2)}% | ${(docs / seconds).toFixed(0)} docs/s, ${(bytes / 1048576 / seconds).toFixed(2)} MB/s, ${(index.real_tokens / seconds / 1e6).toFixed(2)} M tokens/s, ${seconds} s wall, peak RSS ${(rssKb / 1024).toFixed(0)} MiB`);
  ' "$input" "$out" "$seconds" "$rss_kb"
done
