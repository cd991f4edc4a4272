"""JSON Lines with lone surrogates, written as Python's json module writes them (json.dumps escapes every non-ASCII
character, and a lone surrogate as \\udXXX). Run: python3 tests/json-reference/make_lone_surrogates.py
Writes lone-surrogates.jsonl beside this script, and lone-surrogates.expected.json: each record's strings as
Python reads them back and tiktoken encodes them (core.py: text.encode("utf-16", "surrogatepass")
.decode("utf-16", "replace") turns each lone surrogate into U+FFFD)."""
import json
import os

records = [
    {"id": "lone-high", "text": "hello \ud83d world"},
    {"id": "lone-low-in-id-\udc00", "text": "the id holds a lone low surrogate"},
    {"id": "in-meta", "text": "the meta holds one", "title": "\ud800 title", "tags": ["ok", "\udfff"]},
    {"id": "pair", "text": "a real pair \ud83d\ude00 stays whole"},
    {"id": "high-then-high", "text": "\ud83d\ud83d\ude00"},
    {"id": "at-end", "text": "ends with \udbff"},
]


def as_tiktoken_reads(value):
    if isinstance(value, str):
        return value.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    if isinstance(value, list):
        return [as_tiktoken_reads(item) for item in value]
    return {key: as_tiktoken_reads(item) for key, item in value.items()}


folder = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(folder, "lone-surrogates.jsonl"), "w", encoding="ascii") as out:
    for record in records:
        out.write(json.dumps(record) + "\n")
with open(os.path.join(folder, "lone-surrogates.expected.json"), "w", encoding="utf-8") as out:
    json.dump([as_tiktoken_reads(record) for record in records], out, ensure_ascii=False, indent=1)
    out.write("\n")
