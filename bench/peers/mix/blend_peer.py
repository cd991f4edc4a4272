"""The peer of `dataforge mix` over shard sets (bench/mix.sh): what a user would script with pyarrow. Reads the
sources' Parquet shards row group by row group, takes the next row from the source furthest behind its share of real
tokens (the greatest-deficit rule of Megatron-LM's BlendedDataset, which dataforge mix also follows), stops when
a source runs out, and writes the rows with pyarrow in 2048-row files of 128-row groups (dataforge's defaults).
Usage: python3 blend_peer.py OUT_DIR WEIGHT DIR [WEIGHT DIR ...]
"""
import json
import os
import sys
import time

import pyarrow as pa
import pyarrow.parquet as pq


def rows_of(folder):
    index = json.load(open(os.path.join(folder, "index.json")))
    for entry in index["files"]:
        parquet = pq.ParquetFile(os.path.join(folder, entry["name"]))
        for group in range(parquet.num_row_groups):
            table = parquet.read_row_group(group)
            tokens = [cu[-1] for cu in table.column("cu_seqlens").to_pylist()]
            for i in range(table.num_rows):
                yield table.slice(i, 1), tokens[i]


def main():
    out = sys.argv[1]
    pairs = sys.argv[2:]
    weights = [float(w) for w in pairs[0::2]]
    shares = [w / sum(weights) for w in weights]
    readers = [rows_of(folder) for folder in pairs[1::2]]
    os.makedirs(out, exist_ok=True)
    given = [0.0] * len(readers)
    started = time.perf_counter()
    pending, files, rows, tokens = [], 0, 0, 0
    writer = None
    while True:
        source = min(range(len(readers)), key=lambda s: (given[s] / shares[s], s))
        try:
            row, real = next(readers[source])
        except StopIteration:
            break
        given[source] += real
        pending.append(row)
        rows += 1
        tokens += real
        if len(pending) == 128:
            table = pa.concat_tables(pending)
            if writer is None:
                writer = pq.ParquetWriter(os.path.join(out, f"shard-{files:05d}.parquet"), table.schema)
            writer.write_table(table, row_group_size=128)
            pending = []
            if rows % 2048 == 0:
                writer.close()
                writer, files = None, files + 1
    if pending:
        table = pa.concat_tables(pending)
        writer = writer or pq.ParquetWriter(os.path.join(out, f"shard-{files:05d}.parquet"), table.schema)
        writer.write_table(table, row_group_size=128)
    if writer is not None:
        writer.close()
    seconds = time.perf_counter() - started
    print(json.dumps({"rows": rows, "real_tokens": tokens, "seconds": round(seconds, 3), "rows_per_second": round(rows / seconds, 1)}))


if __name__ == "__main__":
    main()
