#!/usr/bin/env python3
"""Phase breakdown of a `dataforge pack` EventPipe profile (bench/pack-profile.sh), from its Speedscope conversion
(`dotnet-trace convert --format Speedscope TRACE.nettrace`). Each busy sample of each thread is charged to the
innermost frame that names a phase (tokenizer, JSON reading, layout, packing, Parquet/zstd encoding, hashing, GC,
thread-pool hand-offs); waits are left out. Prints shares of busy thread time, and with --timeline the busy cores per
second (how much of the machine the run used).
Usage: python3 phases.py TRACE.speedscope.json [--timeline]"""
import collections, json, sys

PHASES = [
    ("gc", ["PollGC", "GCHeap", "gc_heap", "GarbageCollect"]),
    ("zstd", ["ZstdSharp!", "Snappier!"]),
    ("parquet", ["Parquet!", "ParquetFiles."]),
    ("arrow", ["Apache.Arrow!", "ShardArrow"]),
    ("hash", ["Cryptography", "IncrementalHash", "EvpDigest"]),
    ("tokenizer", ["Tokenization."]),
    ("json", ["System.Text.Json!", "ReadTextStage", "BoundedLineReader", "SampleIds"]),
    ("layout", ["DocumentLayout", "ParallelLayout", "TokenizedDocument", "LayoutScratch"]),
    ("packing", ["BestFitPacker", "Packing.Packing."]),
    ("shard-columns", ["ShardFileEncoder", "PackedRowColumns", "ShardWriter", "ShardStats"]),
    ("write-io", ["FileStream", "RandomAccess", "Interop+Sys.Write", "Interop+Sys.PWrite"]),
    ("threadpool", ["ThreadPool", "WorkerThread", "Monitor.Enter", "SpinWait", "Channel", "SemaphoreSlim"]),
]
IDLE = ("WaitHandle", "Monitor.Wait", "LowLevelLifoSemaphore", "SemaphoreSlim.Wait(", "Thread.Sleep", "WaitOne",
        "Interop+Sys.Poll", "ManualResetEventSlim.Wait", "LowLevelMonitor", "WaitForSignal", "RunFinalizers",
        "Accelerator.GCThread")  # ILGPU's GC thread sleeps on a monitor the sampler shows as running
PSEUDO = ("CPU_TIME", "UNMANAGED_CODE_TIME")

trace = json.load(open(sys.argv[1]))
frames = [frame["name"] for frame in trace["shared"]["frames"]]
shares, per_second, total, end = collections.Counter(), collections.Counter(), 0.0, 0.0
for profile in trace["profiles"]:
    stack, last = [], None
    for event in profile["events"]:
        at = event["at"]
        end = max(end, at)
        if stack and last is not None:
            names = [frames[i] for i in stack if frames[i] not in PSEUDO]
            if names and not any(word in name for name in names[-6:] for word in IDLE):
                phase = next((key for name in reversed(names) for key, words in PHASES if any(w in name for w in words)), "other")
                shares[phase] += at - last
                per_second[int(last // 1000)] += at - last
                total += at - last
        last = at
        if event["type"] == "O":
            stack.append(event["frame"])
        else:
            stack.pop()
print(json.dumps({"busy_thread_seconds": round(total / 1000, 1), "trace_seconds": round(end / 1000, 1),
                  "shares_percent": {key: round(100 * value / total, 1) for key, value in shares.most_common()}}))
if "--timeline" in sys.argv:
    for second in sorted(per_second):
        print(f"{second:4d} s  {per_second[second] / 1000:5.1f} busy cores")
