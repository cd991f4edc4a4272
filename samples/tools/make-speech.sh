#!/usr/bin/env bash
# Regenerates samples/speech: a dozen short Chinese dialect utterances spoken by espeak-ng (Mandarin cmn,
# Cantonese yue, Hakka hak), in several containers (wav, flac, ogg) at several rates, plus manifest.tsv.
# Needs: espeak-ng, ffmpeg. Run from the repository root: bash samples/tools/make-speech.sh
set -euo pipefail
out=samples/speech
mkdir -p "$out/audio"
manifest="$out/manifest.tsv"
printf 'audio\ttext\tspeaker\tdialect\tdomain\n' > "$manifest"
# id|voice|dialect|speaker|domain|container|rate|text
while IFS='|' read -r id voice dialect speaker domain container rate text; do
  [ -z "$id" ] && continue
  tmp=$(mktemp --suffix=.wav)
  espeak-ng -v "$voice" -s 150 -w "$tmp" "$text" < /dev/null
  file="audio/$id.$container"
  case "$container" in
    wav)  ffmpeg -nostdin -loglevel error -y -i "$tmp" -ar "$rate" -ac 1 -c:a pcm_s16le -map_metadata -1 -fflags +bitexact -flags:a +bitexact "$out/$file" ;;
    flac) ffmpeg -nostdin -loglevel error -y -i "$tmp" -ar "$rate" -ac 1 -c:a flac -map_metadata -1 -fflags +bitexact -flags:a +bitexact "$out/$file" ;;
    ogg)  ffmpeg -nostdin -loglevel error -y -i "$tmp" -ar "$rate" -ac 2 -c:a libvorbis -q:a 2 -map_metadata -1 -fflags +bitexact -flags:a +bitexact "$out/$file" ;;
  esac
  rm -f "$tmp"
  printf '%s\t%s\t%s\t%s\t%s\n' "$file" "$text" "$speaker" "$dialect" "$domain" >> "$manifest"
done <<'LIST'
cmn-001|cmn|cmn|spk-cmn-a|weather|wav|16000|今天北京天气晴朗，最高气温二十五度。
cmn-002|cmn|cmn|spk-cmn-a|navigation|flac|22050|前方五百米右转进入长安街。
cmn-003|cmn|cmn|spk-cmn-b|finance|ogg|44100|招商银行的股价今天上涨了百分之三。
cmn-004|cmn|cmn|spk-cmn-b|medical|wav|22050|请按时服用阿莫西林胶囊。
yue-001|yue|yue|spk-yue-a|weather|wav|16000|今日香港天氣好好，氣溫二十八度。
yue-002|yue|yue|spk-yue-a|navigation|flac|22050|前面轉左就係銅鑼灣站。
yue-003|yue|yue|spk-yue-b|food|ogg|44100|我想要一碗雲吞麵同一杯奶茶。
yue-004|yue|yue|spk-yue-b|finance|wav|22050|匯豐銀行今日開市價係六十蚊。
hak-001|hak|hak|spk-hak-a|greeting|wav|16000|你好，食飽吂？
hak-002|hak|hak|spk-hak-a|weather|flac|22050|今晡日天氣當好。
hak-003|hak|hak|spk-hak-b|family|ogg|44100|𠊎屋下有五隻人。
hak-004|hak|hak|spk-hak-b|navigation|wav|22050|梅州火車站在哪位？
LIST
echo "wrote $(($(wc -l < "$manifest") - 1)) utterances to $out"
