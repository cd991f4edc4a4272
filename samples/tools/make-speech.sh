#!/usr/bin/env bash
# Regenerates samples/speech: short Chinese dialect utterances spoken by espeak-ng (Mandarin cmn, Cantonese yue,
# Hakka hak; three speakers each) in several containers (wav, flac, ogg/vorbis, opus, mp3, m4a), rates (8-48 kHz)
# and channel layouts (mono, stereo), plus:
#   manifest.tsv          the utterances and one entry for every kind of bad input the asr stage rejects
#   broadcast.wav/.srt    a long Mandarin recording with subtitles, cut at cue times
#   kaldi/                a Kaldi data directory over a long Cantonese recording (segments), one segment out of range
#   glossary.txt          hotwords for the context prompts
# Needs: espeak-ng, ffmpeg. Run from the repository root: bash samples/tools/make-speech.sh
set -euo pipefail
out=samples/speech
rm -rf "$out"
mkdir -p "$out/audio" "$out/kaldi"
exact=(-map_metadata -1 -fflags +bitexact -flags:a +bitexact)
speak() { espeak-ng -v "$1" -s 150 -w "$2" "$3" < /dev/null; }
seconds() { ffprobe -v error -show_entries format=duration -of csv=p=0 "$1"; }

manifest="$out/manifest.tsv"
printf 'audio\ttext\tspeaker\tdialect\tdomain\n' > "$manifest"
# id|voice|dialect|speaker|domain|container|rate|channels|text
while IFS='|' read -r id voice dialect speaker domain container rate channels text; do
  [ -z "$id" ] && continue
  tmp=$(mktemp --suffix=.wav)
  speak "$voice" "$tmp" "$text"
  file="audio/$id.$container"
  case "$container" in
    wav)  codec=(-c:a pcm_s16le) ;;
    flac) codec=(-c:a flac) ;;
    ogg)  codec=(-c:a libvorbis -q:a 2) ;;
    opus) codec=(-c:a libopus -b:a 32k) ;;
    mp3)  codec=(-c:a libmp3lame -b:a 64k) ;;
    m4a)  codec=(-c:a aac -b:a 64k) ;;
  esac
  ffmpeg -nostdin -loglevel error -y -i "$tmp" -ar "$rate" -ac "$channels" "${codec[@]}" "${exact[@]}" "$out/$file"
  rm -f "$tmp"
  printf '%s\t%s\t%s\t%s\t%s\n' "$file" "$text" "$speaker" "$dialect" "$domain" >> "$manifest"
done <<'LIST'
cmn-001|cmn|cmn|spk-cmn-a|weather|wav|16000|1|今天北京天气晴朗，最高气温二十五度。
cmn-002|cmn|cmn|spk-cmn-a|navigation|flac|22050|1|前方五百米右转进入长安街。
cmn-003|cmn|cmn|spk-cmn-b|finance|ogg|44100|2|招商银行的股价今天上涨了百分之三。
cmn-004|cmn|cmn|spk-cmn-b|medical|wav|22050|1|请按时服用阿莫西林胶囊。
cmn-005|cmn|cmn|spk-cmn-c|news|mp3|24000|2|武汉长江大桥今天恢复通车。
cmn-006|cmn|Mandarin|spk-cmn-c|travel|m4a|48000|2|去上海虹桥机场怎么走？
yue-001|yue|yue|spk-yue-a|weather|wav|16000|1|今日香港天氣好好，氣溫二十八度。
yue-002|yue|yue|spk-yue-a|navigation|flac|22050|1|前面轉左就係銅鑼灣站。
yue-003|yue|粤语|spk-yue-b|food|ogg|44100|2|我想要一碗雲吞麵同一杯奶茶。
yue-004|yue|yue|spk-yue-b|finance|wav|22050|1|匯豐銀行今日開市價係六十蚊。
yue-005|yue|zh-yue|spk-yue-c|transport|opus|48000|1|港鐵觀塘綫今朝延誤十分鐘。
yue-006|yue|Cantonese|spk-yue-c|shopping|mp3|44100|1|呢件衫幾多錢呀？
hak-001|hak|hak|spk-hak-a|greeting|wav|16000|1|你好，食飽吂？
hak-002|hak|hak|spk-hak-a|weather|flac|22050|1|今晡日天氣當好。
hak-003|hak|客家话|spk-hak-b|family|ogg|44100|2|𠊎屋下有五隻人。
hak-004|hak|hak|spk-hak-b|navigation|wav|22050|1|梅州火車站在哪位？
hak-005|hak|Hakka|spk-hak-c|food|m4a|44100|1|阿姆煮个粄條當好食。
hak-006|hak|hak|spk-hak-c|travel|wav|8000|2|𠊎明晡日愛去台北。
LIST

# Bad entries, one per reject reason (the audio each names is made here).
speak cmn "$out/audio/tmp.wav" "你好"
ffmpeg -nostdin -loglevel error -y -i "$out/audio/tmp.wav" -t 0.2 -ar 16000 -ac 1 "${exact[@]}" "$out/audio/bad-short.wav"
ffmpeg -nostdin -loglevel error -y -i "$out/audio/tmp.wav" -af "apad=pad_dur=8" -ar 16000 -ac 1 "${exact[@]}" "$out/audio/bad-silence.wav"
ffmpeg -nostdin -loglevel error -y -i "$out/audio/tmp.wav" -af "volume=30" -ar 16000 -ac 1 "${exact[@]}" "$out/audio/bad-clipped.wav"
cp "$out/audio/tmp.wav" "$out/audio/bad-mismatch.wav"
rm -f "$out/audio/tmp.wav"
{ printf 'RIFF\x10\x00\x00\x00WAVEjunk'; awk 'BEGIN { for (i = 0; i < 200; i++) printf "not audio " }'; } > "$out/audio/bad-broken.wav"
cat >> "$manifest" <<'BAD'
audio/missing-001.wav	这个文件不存在。	spk-cmn-a	cmn	test
audio/bad-broken.wav	文件坏了。	spk-cmn-a	cmn	test
audio/bad-short.wav	你好	spk-cmn-b	cmn	test
audio/bad-silence.wav	你好	spk-cmn-b	cmn	test
audio/bad-clipped.wav	你好	spk-cmn-b	cmn	test
audio/bad-mismatch.wav	这句转写比音频长得多，显然属于另一段录音，一秒钟说不了这么多字。	spk-cmn-b	cmn	test
audio/cmn-001.wav	今天北京天气晴朗。	spk-cmn-a	klingon	test
audio/cmn-002.wav		spk-cmn-a	cmn	test
BAD

# A long Mandarin broadcast with SRT subtitles: sentences with pauses between them, cues at the sentence times.
concat() { # concat OUT VOICE SENTENCE... : joins the sentences with 0.7 s pauses, prints start/end of each
  local target=$1 voice=$2; shift 2
  local list; list=$(mktemp); local t=0 i=0
  for sentence in "$@"; do
    i=$((i + 1))
    local piece="$out/piece-$i.wav"
    speak "$voice" "$piece.raw.wav" "$sentence"
    ffmpeg -nostdin -loglevel error -y -i "$piece.raw.wav" -ar 16000 -ac 1 -af "apad=pad_dur=0.7" "${exact[@]}" "$piece"
    local d; d=$(seconds "$piece.raw.wav")
    echo "$t $(echo "$t + $d" | bc -l)"
    t=$(echo "$t + $(seconds "$piece")" | bc -l)
    echo "file '$(realpath "$piece")'" >> "$list"
  done
  ffmpeg -nostdin -loglevel error -y -f concat -safe 0 -i "$list" "${exact[@]}" "$target"
  rm -f "$list" "$out"/piece-*.wav
}
stamp() { awk -v t="$1" 'BEGIN { ms = int(t * 1000 + 0.5); printf "%02d:%02d:%02d,%03d", ms / 3600000, (ms / 60000) % 60, (ms / 1000) % 60, ms % 1000 }'; }
broadcast=("各位听众早上好，欢迎收听武汉新闻。" "今天上午，武汉长江大桥完成了年度检修。" "长江大桥的通车时间比原计划提前了两天。" "武汉新闻，我们明天再见。")
mapfile -t times < <(concat "$out/broadcast.wav" cmn "${broadcast[@]}")
: > "$out/broadcast.srt"
for i in "${!broadcast[@]}"; do
  read -r start end <<< "${times[$i]}"
  printf '%d\n%s --> %s\n%s\n\n' $((i + 1)) "$(stamp "$start")" "$(stamp "$end")" "${broadcast[$i]}" >> "$out/broadcast.srt"
done

# A Kaldi directory over a long Cantonese talk: segments at the sentence times, and one segment past its end.
talk=("深水埗嘅鴨寮街好多電子舖頭。" "鴨寮街嘅舖頭夜晚九點先收舖。" "深水埗站出口就係鴨寮街。")
mapfile -t times < <(concat "$out/kaldi/yue-talk.wav" yue "${talk[@]}")
echo "yue-talk yue-talk.wav" > "$out/kaldi/wav.scp"
echo "yue-remote sox remote.wav -t wav - |" >> "$out/kaldi/wav.scp"
: > "$out/kaldi/text"; : > "$out/kaldi/segments"; : > "$out/kaldi/utt2spk"; : > "$out/kaldi/utt2lang"
for i in "${!talk[@]}"; do
  read -r start end <<< "${times[$i]}"
  utt=$(printf 'spk-yue-d-talk-%02d' $((i + 1)))
  printf '%s %s\n' "$utt" "${talk[$i]}" >> "$out/kaldi/text"
  printf '%s yue-talk %.3f %.3f\n' "$utt" "$start" "$end" >> "$out/kaldi/segments"
  printf '%s spk-yue-d\n' "$utt" >> "$out/kaldi/utt2spk"
  printf '%s yue\n' "$utt" >> "$out/kaldi/utt2lang"
done
printf 'spk-yue-d-talk-04 呢句喺錄音之後。\nspk-yue-e-remote-01 遙遠嘅錄音。\n' >> "$out/kaldi/text"
printf 'spk-yue-d-talk-04 yue-talk 300.000 302.500\nspk-yue-e-remote-01 yue-remote 0.000 2.000\n' >> "$out/kaldi/segments"
printf 'spk-yue-d-talk-04 spk-yue-d\nspk-yue-e-remote-01 spk-yue-e\n' >> "$out/kaldi/utt2spk"
printf 'spk-yue-d-talk-04 yue\nspk-yue-e-remote-01 yue\n' >> "$out/kaldi/utt2lang"

printf '%s\n' "# hotwords for the asr context prompts, one per line" 长江大桥 长安街 招商银行 阿莫西林 虹桥机场 銅鑼灣 匯豐銀行 觀塘綫 鴨寮街 深水埗 梅州 粄條 > "$out/glossary.txt"
echo "wrote $(($(wc -l < "$manifest") - 1)) manifest entries, broadcast.srt ($(grep -c -- '-->' "$out/broadcast.srt") cues), kaldi/ ($(wc -l < "$out/kaldi/text") utterances) to $out"
