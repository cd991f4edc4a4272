#!/usr/bin/env python3
"""Checks a DataForge shard set's Parquet files with pyarrow (Apache Arrow's C++ Parquet reader, the reference the
shard writer is held to; DataForge writes these files with its own encoder, Shards/ParquetFiles): every file reads,
has the documented types, L entries in each of the seven position-aligned lists, and per row group min/max/null-count
statistics equal to the values themselves; sizes and sha256 match index.json. Prints one JSON line; exit 1 on any
difference. Usage: python3 parquet_check.py SHARD_DIR"""
import hashlib, json, os, sys
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

folder = sys.argv[1]
index = json.load(open(os.path.join(folder, "index.json")))
seq_len = index["seq_len"]
aligned = ["input_ids", "labels", "modality", "position_ids", "rope_t", "rope_h", "rope_w"]
problems, rows, groups, checked = [], 0, 0, 0
for entry in index["files"]:
    path = os.path.join(folder, entry["name"])
    data = open(path, "rb").read()
    if hashlib.sha256(data).hexdigest() != entry["sha256"] or len(data) != entry["bytes"]:
        problems.append(f"{entry['name']}: size or sha256 differs from index.json")
    file = pq.ParquetFile(path)
    table = file.read()
    for name in aligned + ["cu_seqlens"]:
        if table.schema.field(name).type != pa.list_(pa.field("element", pa.int32(), nullable=False)):
            problems.append(f"{entry['name']}: {name} is {table.schema.field(name).type}")
    for name in aligned:
        lengths = pc.list_value_length(table[name])
        if pc.min(lengths).as_py() != seq_len or pc.max(lengths).as_py() != seq_len:
            problems.append(f"{entry['name']}: {name} rows are not {seq_len} long")
    metadata = file.metadata
    for g in range(metadata.num_row_groups):
        group = file.read_row_group(g)
        groups += 1
        for c in range(metadata.num_columns):
            column = metadata.row_group(g).column(c)
            name = column.path_in_schema.split(".")[0]
            values = pc.list_flatten(group[name])
            stats = column.statistics
            empty = pc.sum(pc.equal(pc.list_value_length(group[name]), 0)).as_py() or 0
            if stats is None or stats.null_count != empty:
                problems.append(f"{entry['name']} group {g} {name}: null count {None if stats is None else stats.null_count}, {empty} empty lists")
            elif len(values) > 0:
                low, high = pc.min_max(values).values()
                if (stats.min, stats.max) != (low.as_py(), high.as_py()):
                    problems.append(f"{entry['name']} group {g} {name}: statistics {stats.min}..{stats.max}, values {low}..{high}")
            checked += 1
    rows += table.num_rows
if rows != index["rows"]:
    problems.append(f"{rows} rows in the files, index.json says {index['rows']}")
print(json.dumps({"files": len(index["files"]), "rows": rows, "row_groups": groups, "column_chunks_checked": checked, "pyarrow": pa.__version__, "problems": problems}))
sys.exit(1 if problems else 0)
