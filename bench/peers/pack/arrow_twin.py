#!/usr/bin/env python3
"""Checks a DataForge shard set written with `--format both` against pyarrow (the reference Arrow and Parquet
implementation): every .arrow file opens with pyarrow.ipc.open_file, holds the same schema and rows as its Parquet twin
read with pyarrow.parquet, and its sha256 and size match index.json. Prints one JSON line; exit 1 on any difference.
Usage: python3 arrow_twin.py SHARD_DIR"""
import hashlib, json, os, sys
import pyarrow.ipc as ipc
import pyarrow.parquet as pq

folder = sys.argv[1]
index = json.load(open(os.path.join(folder, "index.json")))
problems, rows, batches = [], 0, 0
for entry in index["files"]:
    twin = entry.get("arrow")
    if twin is None:
        problems.append(f"{entry['name']} has no arrow twin"); continue
    path = os.path.join(folder, twin["name"])
    data = open(path, "rb").read()
    if hashlib.sha256(data).hexdigest() != twin["sha256"] or len(data) != twin["bytes"]:
        problems.append(f"{twin['name']}: size or sha256 differs from index.json")
    reader = ipc.open_file(path)
    batches += reader.num_record_batches
    arrow = reader.read_all()
    parquet = pq.read_table(os.path.join(folder, entry["name"]))
    if not arrow.schema.equals(parquet.schema, check_metadata=False):
        problems.append(f"{twin['name']}: schema {arrow.schema} differs from the Parquet twin's {parquet.schema}")
    elif not arrow.equals(parquet):
        problems.append(f"{twin['name']}: rows differ from the Parquet twin")
    rows += arrow.num_rows
print(json.dumps({"files": len(index["files"]), "rows": rows, "record_batches": batches, "index_rows": index["rows"], "problems": problems}))
sys.exit(1 if problems or rows != index["rows"] else 0)
