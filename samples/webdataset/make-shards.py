#!/usr/bin/env python3
"""Writes shard-00000.tar and shard-00001.tar: the bundled images and their captions in the layout img2dataset writes
(github.com/rom1504/img2dataset, output_format webdataset: per sample {key}.jpg|png, {key}.txt with the caption,
{key}.json with url, caption, key, status, width, height, ...; keys are 9-digit shard+index numbers), written with
Python's own tarfile (GNU format, as img2dataset's webdataset.TarWriter writes through tarfile), so the reader is
tested against tars it did not write. One sample has no caption (a json whose caption is null): it is read as an image alone.
Run: python3 make-shards.py   (from samples/webdataset)
"""
import io
import json
import pathlib
import tarfile

here = pathlib.Path(__file__).parent
images = here / "../images"
scenes = ["scene-00.png", "scene-01.jpg", "scene-02.jpg", "scene-03.png", "scene-05.jpg", "scene-06.png", "scene-07.jpg", "scene-08.jpg", "scene-09.png", "scene-04.jpg"]


def add(tar, name, data):
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = 0
    info.mode = 0o644
    tar.addfile(info, io.BytesIO(data))


for shard in range(2):
    with tarfile.open(here / f"shard-{shard:05d}.tar", "w", format=tarfile.GNU_FORMAT) as tar:
        for index, scene in enumerate(scenes[shard * 5:(shard + 1) * 5]):
            key = f"{shard:05d}{index:04d}"
            image = (images / scene).read_bytes()
            sidecar = (images / scene).with_suffix(".txt")
            caption = sidecar.read_text(encoding="utf-8").strip() if sidecar.exists() else None
            extension = "jpg" if scene.endswith(".jpg") else "png"
            add(tar, f"{key}.{extension}", image)
            if caption is not None:
                add(tar, f"{key}.txt", caption.encode("utf-8"))
            meta = {"url": f"https://example.com/{scene}", "caption": caption, "key": key, "status": "success", "error_message": None}
            add(tar, f"{key}.json", json.dumps(meta).encode("utf-8"))
print("wrote shard-00000.tar, shard-00001.tar")
