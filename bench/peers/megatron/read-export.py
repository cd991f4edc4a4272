#!/usr/bin/env python3
"""Reads a DataForge Megatron export with Megatron-LM's own reader and prints what it sees, as JSON.

The reader is megatron/core/datasets/indexed_dataset.py of NVIDIA/Megatron-LM (Apache-2.0 / BSD-3, tested at commit
d98e8a64dd), loaded from the path given, unchanged. Its three imports from the rest of megatron.core are for
object storage, multi-storage clients and rank-aware logging, none of which a local mmap read uses, so small stand-ins
are put in sys.modules. Needs numpy and torch (the GPU machine has both).

Usage: python3 read-export.py PATH/TO/indexed_dataset.py PREFIX END_OF_DOCUMENT_ID > summary.json
"""
import hashlib
import importlib.util
import json
import logging
import os
import sys
import types


def stand_ins():
    for name in ["megatron", "megatron.core", "megatron.core.datasets"]:
        sys.modules.setdefault(name, types.ModuleType(name))
    storage = types.ModuleType("megatron.core.datasets.object_storage_utils")
    storage.S3Config = storage.ObjectStorageConfig = object
    storage.is_object_storage_path = lambda path: False
    for unused in ["cache_index_file", "dataset_exists", "get_index_cache_path", "get_object_storage_access", "parse_s3_path"]:
        setattr(storage, unused, lambda *args, **kwargs: (_ for _ in ()).throw(RuntimeError("object storage is not used here")))
    sys.modules[storage.__name__] = storage
    msc = types.ModuleType("megatron.core.msc_utils")
    msc.MultiStorageClientFeature = type("MultiStorageClientFeature", (), {"is_enabled": staticmethod(lambda: False)})
    msc.maybe_msc = types.SimpleNamespace(open=open, os=os)  # what MaybeMultiStorageClient gives without MSC
    sys.modules[msc.__name__] = msc
    utils = types.ModuleType("megatron.core.utils")
    utils.log_single_rank = lambda logger, level, message, *args: logger.log(level, message)
    sys.modules[utils.__name__] = utils


def main():
    reader_path, prefix, end_of_document = sys.argv[1], sys.argv[2], int(sys.argv[3])
    stand_ins()
    spec = importlib.util.spec_from_file_location("megatron.core.datasets.indexed_dataset", reader_path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    logging.basicConfig(level=logging.WARNING)
    dataset = module.IndexedDataset(prefix, mmap=True)
    tokens = hashlib.sha256()
    ending_with_eod = 0
    eod_inside = 0
    for index in range(len(dataset)):
        sequence = dataset[index]
        tokens.update(sequence.astype("<i4").tobytes())
        ending_with_eod += int(len(sequence) > 0 and int(sequence[-1]) == end_of_document)
        eod_inside += int((sequence[:-1] == end_of_document).sum())
    files = {}
    for extension in ["bin", "idx"]:
        with open(f"{prefix}.{extension}", "rb") as f:
            files[extension] = hashlib.sha256(f.read()).hexdigest()
    print(json.dumps({
        "reader": "megatron/core/datasets/indexed_dataset.py @ d98e8a64dd",
        "files_sha256": files,
        "dtype": str(dataset.index.dtype.__name__),
        "sequences": len(dataset),
        "documents": len(dataset.document_indices) - 1,
        "document_indices": [int(i) for i in dataset.document_indices],
        "sequence_lengths": [int(n) for n in dataset.sequence_lengths],
        "tokens": int(sum(int(n) for n in dataset.sequence_lengths)),
        "sequences_ending_with_end_of_document": ending_with_eod,
        "end_of_document_inside_sequences": eod_inside,
        "tokens_sha256": tokens.hexdigest(),
    }, indent=1))


if __name__ == "__main__":
    main()
