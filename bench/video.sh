#!/usr/bin/env bash
# read-video against the ffmpeg CLI alone extracting the same frames (issue 24), and peak RSS on a one-hour video.
#   bash bench/video.sh [SECONDS] [CLIP_SECONDS]      (defaults: 3600 s of video, 10 s clips)
# Makes a SECONDS-long 25 fps 320x240 test pattern with a tone (H.264, AAC) once under bench/out/video/, then:
#   dataforge read-video VIDEO --clip-seconds C --fps 2 --no audio   (frames only, as the peer; then with audio)
#   ffmpeg alone: one pass over the video, the same frames picked by number (each clip's C x 25 frames sampled at
#   2 fps by Qwen2-VL's rule: indices floor(i x 12.5) for C = 10; a select expression on n mod 250), scaled to the
#   same size, written as JPEG by ffmpeg's own encoder
# Both get one warm-up pass over the file (page cache) and the same number of timed passes (BENCH_PASSES, 1); wall
# time and peak RSS from /usr/bin/time -v. Prints clips/s, frames/s and the ratio DataForge / ffmpeg.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-3600}
clip=${2:-10}
passes=${BENCH_PASSES:-1}
dir=bench/out/video
mkdir -p "$dir"
video="$dir/pattern-$seconds.mp4"
if [ ! -f "$video" ]; then
  echo "making $video ($seconds s)"
  ffmpeg -v error -y -f lavfi -i "testsrc2=size=320x240:rate=25:duration=$seconds" -f lavfi -i "sine=frequency=440:duration=$seconds" \
    -c:v libx264 -preset ultrafast -pix_fmt yuv420p -g 250 -c:a aac -b:a 64k -shortest "$video"
fi
dotnet build cli/DataForge.Cli --configuration Release --nologo --verbosity quiet
dataforge=(dotnet cli/DataForge.Cli/bin/Release/net10.0/dataforge.dll)
cat "$video" > /dev/null
frames_per_clip=$((clip * 25))
step=$(python3 -c "print($frames_per_clip / ($clip * 2))")
measure() { # label, command...
  local label=$1; shift
  local log="$dir/time-$label.txt"
  /usr/bin/time -v "$@" > /dev/null 2> "$log" || { tail -5 "$log" >&2; echo "$label failed" >&2; return 1; }
  local wall rss
  wall=$(grep "Elapsed (wall clock)" "$log" | awk '{print $NF}' | awk -F: '{ if (NF == 3) print $1*3600 + $2*60 + $3; else print $1*60 + $2 }')
  rss=$(grep "Maximum resident set size" "$log" | awk '{print $NF}')
  echo "$label $wall $rss"
}
results=()
for pass in $(seq 1 "$passes"); do
  rm -rf "$dir/df" "$dir/df-audio" "$dir/ffmpeg"; mkdir -p "$dir/ffmpeg"
  results+=("$(measure dataforge "${dataforge[@]}" read-video "$video" --out "$dir/df" --clip-seconds "$clip" --fps 2 --audio false)")
  results+=("$(measure dataforge-audio "${dataforge[@]}" read-video "$video" --out "$dir/df-audio" --clip-seconds "$clip" --fps 2)")
  results+=("$(measure ffmpeg ffmpeg -v error -i "$video" -an -vf "select='eq(floor(ceil(mod(n\,$frames_per_clip)/$step)*$step)\,mod(n\,$frames_per_clip))',scale=320:240:flags=bicubic" -fps_mode passthrough -q:v 3 "$dir/ffmpeg/%07d.jpg")")
done
clips=$(( seconds / clip ))
ours=$(find "$dir/df/media" -name '*.jpg' | wc -l)
theirs=$(find "$dir/ffmpeg" -name '*.jpg' | wc -l)
echo "video: $seconds s, $clips clips of $clip s; frames: DataForge stored $ours distinct JPEGs, ffmpeg wrote $theirs"
printf '%s\n' "${results[@]}" | python3 -c "
import sys, statistics
rows = {}
for line in sys.stdin:
    label, wall, rss = line.split()
    rows.setdefault(label, []).append((float(wall), int(rss)))
frames = $theirs
for label, runs in rows.items():
    wall = statistics.median(w for w, _ in runs); rss = max(r for _, r in runs)
    print(f'{label:16} {wall:8.1f} s  {$clips / wall:7.1f} clips/s  {frames / wall:8.1f} frames/s  peak RSS {rss / 1024:7.1f} MiB')
ours = statistics.median(w for w, _ in rows['dataforge']); peer = statistics.median(w for w, _ in rows['ffmpeg'])
print(f'DataForge (frames only) / ffmpeg alone: {peer / ours:.2f}x the speed')
"
