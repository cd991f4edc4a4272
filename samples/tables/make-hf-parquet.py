#!/usr/bin/env python3
"""Writes captions-hf.parquet: the bundled images with their captions as Hugging Face datasets stores an image
dataset in Parquet (datasets' features.Image: a struct<bytes: binary, path: string> column, the image embedded as
bytes; the schema's "huggingface" metadata naming the features), written by pyarrow (the writer datasets uses),
so read-table is tested against a Parquet file it did not write. Row groups of 4 rows; one row has a null caption
and one a path-only image that was never shipped (both rejects).
Run: python3 make-hf-parquet.py   (from samples/tables; needs pyarrow)
"""
import json
import pathlib

import pyarrow as pa
import pyarrow.parquet as pq

here = pathlib.Path(__file__).parent
images = here / "../images"
rows = []
for scene in ["scene-00.png", "scene-01.jpg", "scene-02.jpg", "scene-03.png", "scene-05.jpg", "scene-06.png", "scene-07.jpg", "scene-08.jpg", "scene-09.png"]:
    caption = (images / scene).with_suffix(".txt").read_text(encoding="utf-8").strip()
    rows.append({"image": {"bytes": (images / scene).read_bytes(), "path": scene}, "text": caption, "split": "train" if len(rows) < 7 else "dev"})
rows[4]["text"] = None
rows.append({"image": {"bytes": None, "path": "never-shipped.jpg"}, "text": "An image given by path only.", "split": "train"})
features = {"image": {"_type": "Image"}, "text": {"dtype": "string", "_type": "Value"}, "split": {"dtype": "string", "_type": "Value"}}
schema = pa.schema(
    [pa.field("image", pa.struct([pa.field("bytes", pa.binary()), pa.field("path", pa.string())])), pa.field("text", pa.string()), pa.field("split", pa.string())],
    metadata={"huggingface": json.dumps({"info": {"features": features}})},
)
table = pa.Table.from_pylist(rows, schema=schema)
pq.write_table(table, here / "captions-hf.parquet", row_group_size=4)
print(f"wrote captions-hf.parquet: {table.num_rows} rows, pyarrow {pa.__version__}")
