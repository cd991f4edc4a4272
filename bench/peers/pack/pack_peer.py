#!/usr/bin/env python3
"""The Python peer of `dataforge pack` for bench/pack-scale.sh (issue 21): what a user would script. Reads the JSONL
corpus, tokenizes with OpenAI tiktoken on every core (encode_ordinary_batch; ranks from DataForge.Bench
export-tiktoken, since the GPU machine has no network), appends <|endoftext|>, cuts documents longer than L into
chunks, packs best-fit-decreasing (bisect over open rows' room) over windows of 20 000 documents (as DataForge's
window) into rows of exactly L,
and writes Parquet with pyarrow: input_ids, labels, position_ids, cu_seqlens (a subset of DataForge's ten columns).
Prints one JSON line: rows, real tokens, seconds end to end.
Usage: python3 pack_peer.py CORPUS.jsonl RANKS.tiktoken OUT_DIR [SEQ_LEN] [THREADS]"""
import base64, bisect, json, os, sys, time

import pyarrow as pa
import pyarrow.parquet as pq
import tiktoken

corpus, ranks_path, out = sys.argv[1], sys.argv[2], sys.argv[3]
seq_len = int(sys.argv[4]) if len(sys.argv) > 4 else 4096
threads = int(sys.argv[5]) if len(sys.argv) > 5 else os.cpu_count()
started = time.perf_counter()
ranks = {}
for line in open(ranks_path, "rb"):
    token, rank = line.split()
    ranks[base64.b64decode(token)] = int(rank)
pattern = r"""(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"""
eod = 100257
encoding = tiktoken.Encoding("cl100k_base", pat_str=pattern, mergeable_ranks=ranks, special_tokens={"<|endoftext|>": eod})
os.makedirs(out, exist_ok=True)
schema = pa.schema([(name, pa.list_(pa.int32())) for name in ("input_ids", "labels", "position_ids", "cu_seqlens")])
state = {"file": 0, "rows_in_file": 0, "writer": None, "pending": [], "rows": 0, "tokens": 0}


def flush(final=False):
    if state["pending"]:
        columns = list(zip(*state["pending"]))
        table = pa.table([pa.array(list(column), type=pa.list_(pa.int32())) for column in columns], schema=schema)
        if state["writer"] is None:
            state["writer"] = pq.ParquetWriter(os.path.join(out, f"shard-{state['file']:05d}.parquet"), schema)
        state["writer"].write_table(table, row_group_size=128)
        state["pending"] = []
    if state["writer"] is not None and (final or state["rows_in_file"] >= 2048):
        state["writer"].close()
        state["writer"], state["file"], state["rows_in_file"] = None, state["file"] + 1, 0


def emit(documents):
    ids, positions, cu = [], [], [0]
    for document in documents:
        ids.extend(document)
        positions.extend(range(len(document)))
        cu.append(len(ids))
    real = len(ids)
    ids.extend([eod] * (seq_len - real))
    positions.extend([0] * (seq_len - real))
    labels = ids[:real] + [-100] * (seq_len - real)
    state["pending"].append((ids, labels, positions, cu))
    state["rows"] += 1
    state["rows_in_file"] += 1
    state["tokens"] += real
    if len(state["pending"]) == 128 or state["rows_in_file"] >= 2048:
        flush()


def pack(window):
    window.sort(key=len, reverse=True)
    rows, open_rooms = [], []  # best fit: the open row with the least room that fits, by bisect over (room, row)
    for document in window:
        at = bisect.bisect_left(open_rooms, (len(document), -1))
        if at < len(open_rooms):
            room, r = open_rooms.pop(at)
        else:
            rows.append([])
            room, r = seq_len, len(rows) - 1
        rows[r].append(document)
        room -= len(document)
        if room > 0:
            bisect.insort(open_rooms, (room, r))
    for row in rows:
        emit(row)


batch, window = [], []
with open(corpus, encoding="utf-8") as lines:
    for line in lines:
        if line.strip():
            batch.append(json.loads(line)["text"])
        if len(batch) == 20000:
            for ids in encoding.encode_ordinary_batch(batch, num_threads=threads):
                ids.append(eod)
                window.extend(ids[i:i + seq_len] for i in range(0, len(ids), seq_len))
            batch = []
            pack(window)
            window = []
for ids in encoding.encode_ordinary_batch(batch, num_threads=threads):
    ids.append(eod)
    window.extend(ids[i:i + seq_len] for i in range(0, len(ids), seq_len))
pack(window)
flush(final=True)
print(json.dumps({"rows": state["rows"], "real_tokens": state["tokens"], "seconds": round(time.perf_counter() - started, 3)}))
