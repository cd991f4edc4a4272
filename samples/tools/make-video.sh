#!/usr/bin/env bash
# Regenerates samples/video: two short clips made by ffmpeg from its own lavfi sources (no footage of anyone's):
#   narrated.mp4   8 s of the testsrc2 pattern (each frame shows its own time and number) with English speech by
#                  espeak-ng as its AAC audio track, H.264 with B-frames
#   subtitled.mkv  6 s of a colour-bar scene cut to a Mandelbrot zoom at 3 s (a scene change for --clips scene),
#                  no audio track, VP9 in Matroska, with subtitled.srt beside it (two cues)
#   not-a-video.mp4  text named like a video: read-video rejects it (video.undecodable)
# Needs: espeak-ng, ffmpeg. Run from the repository root: bash samples/tools/make-video.sh
set -euo pipefail
out=samples/video
rm -rf "$out"
mkdir -p "$out"
exact=(-map_metadata -1 -fflags +bitexact -flags +bitexact)
speech=$(mktemp --suffix=.wav)
espeak-ng -v en -s 150 -w "$speech" "This clip shows a moving test pattern. Each frame carries its own time and number." < /dev/null
ffmpeg -v error -y -f lavfi -i "testsrc2=size=320x180:rate=25:duration=8" -i "$speech" \
  -map 0:v -map 1:a -af apad -t 8 -c:v libx264 -preset veryfast -crf 38 -pix_fmt yuv420p -g 50 -bf 2 \
  -c:a aac -b:a 32k -ar 16000 -ac 1 "${exact[@]}" "$out/narrated.mp4"
rm -f "$speech"
ffmpeg -v error -y -f lavfi -i "smptebars=size=320x180:rate=25:duration=3" -f lavfi -i "mandelbrot=size=320x180:rate=25" \
  -filter_complex "[1:v]trim=duration=3[m];[0:v][m]concat=n=2:v=1[v]" -map "[v]" \
  -c:v libvpx-vp9 -crf 50 -b:v 0 -deadline realtime -cpu-used 8 -pix_fmt yuv420p "${exact[@]}" "$out/subtitled.mkv"
cat > "$out/subtitled.srt" <<'SRT'
1
00:00:00,400 --> 00:00:02,600
Colour bars, the old broadcast test card.

2
00:00:03,200 --> 00:00:05,800
Then a zoom into the Mandelbrot set.
SRT
printf 'This is text, not a video.\n' > "$out/not-a-video.mp4"
ls -l "$out"
