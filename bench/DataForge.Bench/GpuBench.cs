using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using DataForge.Packing.Tokenization;
using DataForge.Packing.Tokenization.Gpu;

/// <summary>The GPU tokenizer's throughput and conformance runs (bench/gpu/tokenize.sh), and the rank export for Python tiktoken.</summary>
internal static class GpuBench
{
    public static readonly string[] Commands = ["tokenize-gpu", "gpu-conformance", "export-tiktoken"];

    public static int Run(string[] args)
    {
        switch (args[0])
        {
            case "export-tiktoken":
                ExportTiktoken(args[1], args[2]);
                return 0;
            case "tokenize-gpu":
                return Throughput(args[1], args[2], args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 10, Backend(args, 4));
            default:
                return Conformance(
                    args[1],
                    args[2],
                    args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 20_000,
                    args.Length > 4 ? int.Parse(args[4], CultureInfo.InvariantCulture) : 11,
                    Backend(args, 5));
        }
    }

    private static GpuBackend Backend(string[] args, int at) =>
        args.Length > at && args[at] == "simulator" ? GpuBackend.CpuSimulator : GpuBackend.Cuda;

    private static string[] ReadCorpus(string path) =>
        [.. File.ReadLines(path).Where(line => line.Length > 0).Select(line => JsonNode.Parse(line)!["text"]!.GetValue<string>())];

    /// <summary>
    /// COPIES copies of the corpus as one list (distinct documents to the GPU), encoded in one call after a warm-up call
    /// (kernel compilation), three times (the median reported); the ids of every copy must equal the CPU tokenizer's,
    /// hashed as tokenize does.
    /// </summary>
    private static int Throughput(string corpus, string tokenizerName, int copies, GpuBackend backend)
    {
        var texts = ReadCorpus(corpus);
        var tokenizer = TokenizerCatalog.Load(tokenizerName, Directory.GetCurrentDirectory());
        var clock = Stopwatch.StartNew();
        using var gpu = GpuTextEncoder.Open(tokenizer, backend);
        var openSeconds = clock.Elapsed.TotalSeconds;
        var batch = Enumerable.Range(0, copies).SelectMany(_ => texts).ToArray();
        clock.Restart();
        gpu.Encode(batch);
        var warmSeconds = clock.Elapsed.TotalSeconds;
        // Three measured calls; the median one is reported, with its stages.
        var calls = new List<(double Seconds, GpuTimings Timings)>();
        var ids = Array.Empty<int[]>();
        for (var call = 0; call < 3; call++)
        {
            var timingsBefore = gpu.Timings;
            clock.Restart();
            ids = gpu.Encode(batch);
            calls.Add((clock.Elapsed.TotalSeconds, gpu.Timings - timingsBefore));
        }

        var (seconds, timings) = calls.OrderBy(call => call.Seconds).ElementAt(1);

        // The CPU tokenizer on all cores, for the check (not timed here: `tokenize` times it).
        var expected = new int[texts.Length][];
        Parallel.For(0, texts.Length, () => tokenizer.CreateSession(), (i, _, session) =>
        {
            var output = new List<int>();
            session.Encode(texts[i], output);
            expected[i] = [.. output];
            return session;
        }, _ => { });
        var differing = Enumerable.Range(0, batch.Length).Count(i => !ids[i].AsSpan().SequenceEqual(expected[i % texts.Length]));

        var bytes = texts.Sum(text => (long)Encoding.UTF8.GetByteCount(text)) * copies;
        var tokens = ids.Sum(document => (long)document.Length);
        Console.WriteLine(JsonSerializer.Serialize(new
        {
            name = $"DataForge GPU ({gpu.DeviceName}) {Path.GetFileName(tokenizerName)}",
            seconds,
            bytes,
            documents = batch.Length,
            tokens,
            mb_per_s = bytes / 1048576.0 / seconds,
            tokens_per_s = tokens / seconds,
            ids_sha256 = Sha256(ids.Take(texts.Length)),
            documents_differing_from_cpu = differing,
            cpu_pieces = gpu.CpuPieces,
            open_seconds = openSeconds,
            first_call_seconds = warmSeconds,
            stages_seconds = timings,
            calls_seconds = calls.Select(call => call.Seconds).ToArray(),
        }));
        return differing == 0 ? 0 : 1;
    }

    /// <summary>GPU against CPU ids on the corpus and on documents mutated from it (the fuzzer's edits, on text).</summary>
    private static int Conformance(string corpus, string tokenizerName, int fuzzed, int seed, GpuBackend backend)
    {
        var texts = ReadCorpus(corpus);
        var tokenizer = TokenizerCatalog.Load(tokenizerName, Directory.GetCurrentDirectory());
        using var gpu = GpuTextEncoder.Open(tokenizer, backend);
        var random = new Random(seed);
        var documents = texts.Concat(Enumerable.Range(0, fuzzed).Select(_ => Mutate(texts[random.Next(texts.Length)], random))).ToArray();
        var actual = gpu.Encode(documents);
        var differing = new List<int>();
        var session = tokenizer.CreateSession();
        var expected = new List<int>();
        for (var i = 0; i < documents.Length; i++)
        {
            expected.Clear();
            session.Encode(documents[i], expected);
            if (!expected.SequenceEqual(actual[i]))
            {
                differing.Add(i);
            }
        }

        Console.WriteLine(JsonSerializer.Serialize(new
        {
            name = $"GPU conformance ({gpu.DeviceName}) {Path.GetFileName(tokenizerName)}",
            corpus_documents = texts.Length,
            fuzzed_documents = fuzzed,
            documents = documents.Length,
            bytes = documents.Sum(text => (long)Encoding.UTF8.GetByteCount(text)),
            identical = documents.Length - differing.Count,
            differing = differing.Count,
            cpu_pieces = gpu.CpuPieces,
            first_differing = differing.Take(3).Select(i => documents[i].Length > 300 ? documents[i][..300] : documents[i]).ToArray(),
        }));
        return differing.Count == 0 ? 0 : 1;
    }

    private static readonly string[] Insertions =
    [
        "'s", "'LL", "'ve", "ſ", " ", "  ", "\n", "\r\n", "\t", "\u00A0", "\u3000", "123456", "٣٤", "e\u0301", "\u0301",
        "ǅ", "İ", "😀", "\U0001D400", "\uD800", "\uDFFF", "\uFFFD", "\0", "...", "/", "中文", "한국어", "ไทย", "$", "<|endoftext|>",
    ];

    /// <summary>A document cut, spliced, with insertions and repeats: short and very long pieces, odd classes, lone surrogates.</summary>
    private static string Mutate(string text, Random random)
    {
        var builder = new StringBuilder(text.Length > 2000 ? text[..random.Next(1, 2000)] : text);
        for (var edit = random.Next(1, 8); edit > 0; edit--)
        {
            var at = random.Next(builder.Length + 1);
            switch (random.Next(5))
            {
                case 0:
                    builder.Insert(at, Insertions[random.Next(Insertions.Length)]);
                    break;
                case 1:
                    builder.Insert(at, new string(Insertions[random.Next(Insertions.Length)][0], random.Next(1, 400)));
                    break;
                case 2 when builder.Length > 0:
                    builder.Remove(at == builder.Length ? at - 1 : at, 1);
                    break;
                case 3:
                    builder.Insert(at, (char)random.Next(0x20, 0x3000));
                    break;
                default:
                    var length = Math.Min(random.Next(1, 64), builder.Length - Math.Min(at, builder.Length));
                    builder.Insert(at, builder.ToString(Math.Min(at, builder.Length), length));
                    break;
            }
        }

        return builder.ToString();
    }

    private static void ExportTiktoken(string encoding, string path)
    {
        var tokenizer = TiktokenEncoding.TryLoad(encoding) ?? throw new ArgumentException($"unknown encoding {encoding}");
        using var writer = new StreamWriter(path);
        for (var id = 0; id < tokenizer.Bpe.Count; id++)
        {
            writer.Write(Convert.ToBase64String(tokenizer.Bpe.TokenBytes(id)));
            writer.Write(' ');
            writer.WriteLine(id.ToString(CultureInfo.InvariantCulture));
        }
    }

    private static string Sha256(IEnumerable<int[]> documents)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[4];
        foreach (var document in documents)
        {
            foreach (var id in document)
            {
                BinaryPrimitives.WriteInt32LittleEndian(buffer, id);
                hash.AppendData(buffer);
            }
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}
