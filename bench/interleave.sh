#!/usr/bin/env bash
# Interleave throughput (issue 4): pages/s of `dataforge interleave` on a synthetic WARC.gz (bench/peers/make-warc.mjs:
# N pages with boilerplate to strip, three images each out of 300 in the same archive). The frequent-image rule is
# loosened so every page keeps its pictures and all the work (extract, catalogue, build, store) is measured.
# Usage: bash bench/interleave.sh [PAGES]
set -euo pipefail
cd "$(dirname "$0")/.."
pages=${1:-10000}
mkdir -p bench/out
[ -d bench/peers/node_modules/warcio ] || npm ci --prefix bench/peers --no-audit --no-fund --loglevel=error >/dev/null
warc=bench/out/interleave-$pages.warc.gz
[ -f "$warc" ] || node bench/peers/make-warc.mjs "$warc" "$pages"
printf 'frequent_image_pages: 1000000\n' > bench/out/interleave-config.yaml
dotnet build cli/DataForge.Cli -c Release --nologo --verbosity quiet >/dev/null
rm -rf bench/out/interleave-out
/usr/bin/time -f "%e %M" -o bench/out/time.txt dotnet cli/DataForge.Cli/bin/Release/net10.0/dataforge.dll interleave "$warc" --out bench/out/interleave-out --config bench/out/interleave-config.yaml >/dev/null
read -r seconds rss_kb < bench/out/time.txt
node -e '
  const [out, pages, seconds, rssKb, cores] = process.argv.slice(1);
  const m = JSON.parse(require("fs").readFileSync(out + "/_manifest.json", "utf8"));
  const s = m.stage_stats["00-interleave"];
  console.log(`${pages} pages → ${s["documents.kept"]} documents, ${s["images.kept"]} images in ${seconds} s: ${(pages / seconds).toFixed(0)} pages/s on ${cores} cores (whole command, start-up included), peak RSS ${(rssKb / 1024).toFixed(0)} MiB`);
' bench/out/interleave-out "$pages" "$seconds" "$rss_kb" "$(nproc)"
