#!/usr/bin/env python3
"""OpenAI tiktoken (Python, Rust core) on a JSONL corpus with N threads, for bench/gpu/tokenize.sh. The machine has no
network, so the ranks come from a file (DataForge.Bench export-tiktoken) and the split pattern is written out: the
cl100k_base pattern of the npm package and of tiktoken before 0.7, DataForge's reference (later Python releases use a
possessive form that differs only for trailing whitespace holding a newline). Prints one JSON line like
DataForge.Bench tokenize: encode time only, sha256 over all ids as int32 LE, document by document.
Usage: python3 tiktoken_peer.py CORPUS.jsonl RANKS.tiktoken THREADS"""
import base64, hashlib, json, os, sys, time

import numpy as np
import tiktoken

corpus, ranks_path, threads = sys.argv[1], sys.argv[2], int(sys.argv[3])
texts = [json.loads(line)["text"] for line in open(corpus, encoding="utf-8") if line.strip()]
ranks = {}
for line in open(ranks_path, "rb"):
    token, rank = line.split()
    ranks[base64.b64decode(token)] = int(rank)
pattern = r"""(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"""
encoding = tiktoken.Encoding("cl100k_base", pat_str=pattern, mergeable_ranks=ranks, special_tokens={"<|endoftext|>": 100257})
encoding.encode_ordinary_batch(texts, num_threads=threads)  # warm-up, as the DataForge runs do
passes = []
for _ in range(int(os.environ.get("BENCH_PASSES", "5"))):  # the median pass, as DataForge.Bench reports
    start = time.perf_counter()
    ids = encoding.encode_ordinary_batch(texts, num_threads=threads)
    passes.append(time.perf_counter() - start)
seconds = sorted(passes)[len(passes) // 2]
digest = hashlib.sha256()
for document in ids:
    digest.update(np.asarray(document, dtype="<i4").tobytes())
size = sum(len(text.encode("utf-8")) for text in texts)
tokens = sum(len(document) for document in ids)
print(json.dumps({"name": f"tiktoken {tiktoken.__version__} ({threads} threads) cl100k_base", "seconds": seconds, "bytes": size,
                  "documents": len(texts), "tokens": tokens, "mb_per_s": size / 1048576 / seconds, "tokens_per_s": tokens / seconds,
                  "ids_sha256": digest.hexdigest(), "passes": passes}))
