using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using DataForge.Packing.Tokenization;

// dotnet run -c Release --project bench/DataForge.Bench -- tokenize CORPUS.jsonl TOKENIZER [THREADS]
// Prints one JSON line like bench/peers/tokenize.mjs: encode time only, and a sha256 over all ids (int32 LE,
// document by document) to prove the ids equal the peers'.
// dotnet run -c Release --project bench/DataForge.Bench -- tokenize-ml CORPUS.jsonl ENCODING [THREADS]
//   the same with Microsoft.ML.Tokenizers (one shared instance, as its API intends) as the tokenizer.
// DataForge.Bench tokenize-gpu CORPUS.jsonl TOKENIZER [COPIES] [cuda|simulator]
//   the GPU tokenizer (GpuBench.cs): COPIES copies of the corpus in one call, ids checked against the CPU tokenizer's.
// DataForge.Bench gpu-conformance CORPUS.jsonl TOKENIZER [FUZZED] [SEED] [cuda|simulator]
//   GPU ids against CPU ids on the corpus and on FUZZED documents mutated from it.
// DataForge.Bench export-tiktoken ENCODING FILE: the encoding's ranks as a .tiktoken file (for Python tiktoken offline).
// DataForge.Bench resize DIR MAX_SIDE [QUALITY]: decode + fit + encode on one thread (ResizeBench.cs), against sharp.
// DataForge.Bench long-piece N [LETTER] [TOKENIZER]: one document of N identical letters on one thread (tiktoken's own
//   tests have this case); the best of three passes after a warm-up, and the ids' count and sha256.
if (args.Length >= 2 && args[0] == "long-piece")
{
    var letters = new string(args.Length > 2 ? args[2][0] : 'a', int.Parse(args[1], CultureInfo.InvariantCulture));
    var longTokenizer = TokenizerCatalog.Load(args.Length > 3 ? args[3] : "cl100k_base", Directory.GetCurrentDirectory());
    var pieceIds = new List<int>();
    var best = double.MaxValue;
    for (var pass = 0; pass < 4; pass++)
    {
        pieceIds.Clear();
        var session = longTokenizer.CreateSession(); // a fresh one: a session's piece cache would answer the later passes
        var clock = Stopwatch.StartNew();
        session.Encode(letters, pieceIds);
        best = pass == 0 ? best : Math.Min(best, clock.Elapsed.TotalSeconds);
    }

    var digest = Convert.ToHexStringLower(SHA256.HashData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(pieceIds))));
    Console.WriteLine(JsonSerializer.Serialize(new { letters = letters.Length, tokens = pieceIds.Count, seconds = Math.Round(best, 4), sha256 = digest }));
    return 0;
}

if (args.Length >= 3 && args[0] == "resize")
{
    return ResizeBench.Run(args);
}

if (args.Length >= 1 && GpuBench.Commands.Contains(args[0]))
{
    return GpuBench.Run(args);
}

if (args.Length < 3 || args[0] is not ("tokenize" or "tokenize-ml"))
{
    Console.Error.WriteLine("usage: DataForge.Bench tokenize|tokenize-ml|tokenize-gpu|gpu-conformance CORPUS.jsonl cl100k_base|o200k_base|tokenizer.json [THREADS]");
    return 2;
}

var peer = args[0] == "tokenize-ml";

var texts = File.ReadLines(args[1]).Where(line => line.Length > 0).Select(line => JsonNode.Parse(line)!["text"]!.GetValue<string>()).ToArray();
var tokenizer = peer ? null : TokenizerCatalog.Load(args[2], Directory.GetCurrentDirectory());
var mlTokenizer = peer ? Microsoft.ML.Tokenizers.TiktokenTokenizer.CreateForEncoding(args[2]) : null;
var threads = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : Environment.ProcessorCount;
var ids = new int[texts.Length][];

// A whole warm-up pass first, so tiered compilation has promoted the hot loops (a pass of a few seconds would
// otherwise be measured half in tier-0 code), then PASSES measured passes, each with fresh sessions (cold piece
// caches); the median pass is reported (a pass on 16 cores lasts a fraction of a second, so single passes are noisy).
var passes = int.TryParse(Environment.GetEnvironmentVariable("BENCH_PASSES"), CultureInfo.InvariantCulture, out var p) ? p : 5;
Encode(texts.Length);
var gcBefore = Enumerable.Range(0, 3).Select(GC.CollectionCount).ToArray();
var allocatedBefore = GC.GetTotalAllocatedBytes();
var passSeconds = new List<double>();
for (var pass = 0; pass < passes; pass++)
{
    var clock = Stopwatch.StartNew();
    Encode(texts.Length);
    passSeconds.Add(clock.Elapsed.TotalSeconds);
}

var seconds = passSeconds.Order().ElementAt(passes / 2);
var gcCounts = Enumerable.Range(0, 3).Select(generation => (GC.CollectionCount(generation) - gcBefore[generation]) / (double)passes).ToArray();
var allocatedMb = (GC.GetTotalAllocatedBytes() - allocatedBefore) / 1048576.0 / passes;

using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
long tokens = 0;
var buffer = new byte[4];
foreach (var document in ids)
{
    tokens += document.Length;
    foreach (var id in document)
    {
        BinaryPrimitives.WriteInt32LittleEndian(buffer, id);
        hash.AppendData(buffer);
    }
}

var bytes = texts.Sum(text => (long)Encoding.UTF8.GetByteCount(text));
Console.WriteLine(JsonSerializer.Serialize(new
{
    name = $"{(peer ? "Microsoft.ML.Tokenizers" : "DataForge")} ({threads} threads) {Path.GetFileName(args[2])}",
    seconds,
    bytes,
    documents = texts.Length,
    tokens,
    mb_per_s = bytes / 1048576.0 / seconds,
    tokens_per_s = tokens / seconds,
    ids_sha256 = Convert.ToHexStringLower(hash.GetHashAndReset()),
    passes = passSeconds,
    gc_collections_per_pass = gcCounts,
    allocated_mb_per_pass = allocatedMb,
    server_gc = System.Runtime.GCSettings.IsServerGC,
}));
return 0;

void Encode(int count)
{
    // Documents are handed out in blocks; each worker owns one session (its caches and buffers), no shared locks.
    var next = -1;
    var workers = Enumerable.Range(0, threads).Select(_ => Task.Run(() =>
    {
        var session = tokenizer?.CreateSession();
        var output = new List<int>();
        while (true)
        {
            var block = Interlocked.Increment(ref next);
            var start = block * 64;
            if (start >= count)
            {
                return;
            }

            for (var i = start; i < Math.Min(count, start + 64); i++)
            {
                if (session is not null)
                {
                    output.Clear();
                    session.Encode(texts[i], output);
                    ids[i] = [.. output];
                }
                else
                {
                    ids[i] = [.. mlTokenizer!.EncodeToIds(texts[i])];
                }
            }
        }
    })).ToArray();
    Task.WaitAll(workers);
}
