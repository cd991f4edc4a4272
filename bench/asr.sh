#!/usr/bin/env bash
# asr real-time factor (issue 7): `dataforge asr` against the ffmpeg CLI alone on the same clips and cores.
# The corpus is COPIES variants of the 18 good sample clips (samples/speech/audio, six containers, 8-48 kHz, mono and
# stereo), each variant re-encoded in its own container with a slightly different gain so no two files are alike.
# DataForge: decode + resample to 16 kHz mono, checks, hotwords, prompts, splits, media store, Parquet, NeMo/Kaldi.
# Peer: `ffmpeg -i CLIP -ac 1 -ar 16000 -c:a pcm_s16le OUT.wav` per clip, as many at once as there are cores.
# RTF = wall seconds / seconds of audio (lower is faster). Usage: bash bench/asr.sh [COPIES] (default 40)
set -euo pipefail
cd "$(dirname "$0")/.."
copies=${1:-40}
cores=$(nproc)
corpus=bench/out/asr-corpus-$copies
mkdir -p bench/out
if [ ! -f "$corpus/manifest.tsv" ]; then
  rm -rf "$corpus"; mkdir -p "$corpus/audio"
  tail -n +2 samples/speech/manifest.tsv | grep -v -E 'bad-|missing-|klingon|\tcmn\ttest$' | head -18 > bench/out/asr-good.tsv
  printf 'audio\ttext\tspeaker\tdialect\tdomain\n' > "$corpus/manifest.tsv"
  jobs=bench/out/asr-jobs.txt; : > "$jobs"
  for k in $(seq 1 "$copies"); do
    while IFS=$'\t' read -r audio text speaker dialect domain; do
      name=$(basename "$audio"); ext=${name##*.}; out="audio/${name%.*}-$k.$ext"
      case "$ext" in ogg) codec="-c:a libvorbis -q:a 2";; opus) codec="-c:a libopus -b:a 32k";; mp3) codec="-c:a libmp3lame -b:a 64k";; m4a) codec="-c:a aac -b:a 64k";; flac) codec="-c:a flac";; *) codec="-c:a pcm_s16le";; esac
      echo "ffmpeg -nostdin -loglevel error -y -i samples/speech/$audio -af volume=$(echo "1 - $k * 0.002" | bc -l) $codec $corpus/$out" >> "$jobs"
      printf '%s\t%s\t%s-%s\t%s\t%s\n' "$out" "$text" "$speaker" "$((k % 8))" "$dialect" "$domain" >> "$corpus/manifest.tsv"
    done < bench/out/asr-good.tsv
  done
  xargs -P "$cores" -I{} sh -c '{}' < "$jobs"
fi
clips=$(($(wc -l < "$corpus/manifest.tsv") - 1))
audio_seconds=$(tail -n +2 "$corpus/manifest.tsv" | cut -f1 | sed "s|^|$corpus/|" | xargs -P "$cores" -n 1 ffprobe -v error -show_entries format=duration -of csv=p=0 2>/dev/null | awk '{ s += $1 } END { printf "%.1f", s }')

dotnet build cli/DataForge.Cli -c Release --nologo --verbosity quiet >/dev/null
rm -rf bench/out/asr-out
/usr/bin/time -f "%e %M" -o bench/out/asr-time.txt dotnet cli/DataForge.Cli/bin/Release/net10.0/dataforge.dll asr "$corpus/manifest.tsv" --out bench/out/asr-out --workers "$cores" >/dev/null 2>&1
read -r dataforge_seconds rss_kb < bench/out/asr-time.txt
kept=$(node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).samples)' bench/out/asr-out/_manifest.json)

rm -rf bench/out/asr-ffmpeg; mkdir -p bench/out/asr-ffmpeg
start=$(date +%s.%N)
tail -n +2 "$corpus/manifest.tsv" | cut -f1 | awk -v c="$corpus" '{ n = $1; gsub("/", "_", n); print c "/" $1 " bench/out/asr-ffmpeg/" n ".wav" }' \
  | xargs -P "$cores" -n 2 sh -c 'ffmpeg -nostdin -loglevel error -y -i "$0" -ac 1 -ar 16000 -c:a pcm_s16le "$1"'
ffmpeg_seconds=$(echo "$(date +%s.%N) - $start" | bc -l)

awk -v clips="$clips" -v kept="$kept" -v audio="$audio_seconds" -v df="$dataforge_seconds" -v ff="$ffmpeg_seconds" -v rss="$rss_kb" -v cores="$cores" 'BEGIN {
  printf "%d clips (%d kept), %.1f min of audio, %d cores\n", clips, kept, audio / 60, cores
  printf "dataforge asr: %.2f s  RTF %.4f  (%.0fx real time), peak RSS %.0f MiB\n", df, df / audio, audio / df, rss / 1024
  printf "ffmpeg CLI:    %.2f s  RTF %.4f  (%.0fx real time)\n", ff, ff / audio, audio / ff
  printf "dataforge / ffmpeg wall time: %.2f\n", df / ff
}'
