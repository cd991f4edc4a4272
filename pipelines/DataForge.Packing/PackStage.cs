using System.Text.Json;
using System.Text.Json.Nodes;
using DataForge.Core;
using DataForge.Core.Model;
using DataForge.Core.Pipeline;
using DataForge.Core.Stages.Contract;
using DataForge.Core.Storage;
using DataForge.Packing.Layout;
using DataForge.Packing.Mixing;
using DataForge.Packing.Packing;
using DataForge.Packing.Shards;
using DataForge.Packing.Templates;
using DataForge.Packing.Tokenization;
using DataForge.Packing.Tokenization.Gpu;
using Microsoft.Extensions.Logging;

namespace DataForge.Packing;

/// <summary>
/// The packing sink (DESIGN.md §3): tokenizes samples on all cores (in input order), lays them out, packs them
/// best-fit-decreasing into rows of exactly L tokens and writes Parquet shards; when every task is done it writes
/// index.json. Samples that cannot be packed are rejected with the reason; every other input token lands in
/// exactly one row.
/// </summary>
public sealed class PackStage(PackOptions options) : IStage
{
    public static readonly StageDefinition Definition = new StageDefinition<PackOptions>(
        "pack",
        "tokenize and pack samples into fixed-length Parquet shards with index.json",
        options => new PackStage(options),
        PackRejectReasons.All,
        FinishAsync,
        writesTo: options => options.Path);

    public async IAsyncEnumerable<Sample> RunAsync(IAsyncEnumerable<Sample> input, StageContext context)
    {
        var cancellationToken = context.CancellationToken;
        var run = new StageRun(context);
        // The GPU opens on a thread of its own from the start (CUDA start-up and the kernel's compilation took 1.9 s
        // before the first sample was laid out, issue 21): the kernel compiles while the tokenizer loads, and the first
        // batches are tokenized on the CPU until the device is there. The simulator, which exists to test the device's
        // path, is waited for.
        var loading = Task.Run(() => WithMergeTable(TokenizerCatalog.Load(options.Tokenizer, context.BaseDirectory)), CancellationToken.None);
        var opening = context.Device == "cuda" ? Task.Run(() => OpenGpu(context, () => loading.GetAwaiter().GetResult()), CancellationToken.None) : null;
        ITextTokenizer tokenizer;
        try
        {
            tokenizer = await loading;
        }
        catch
        {
            await DisposeOpenedAsync(opening);
            throw;
        }

        var layout = new DocumentLayout(options, tokenizer, ChatTemplates.Resolve(options.ChatTemplate, context.BaseDirectory));
        var padId = tokenizer.EndOfDocumentId;
        var folder = ShardFolder(context.Output, options);
        var prefix = context.TaskCount == 1 ? "shard-" : $"shard-{context.TaskIndex:D5}-";

        // One packer and one writer per split (DESIGN.md §3, issue 19): rows never mix splits; samples without a
        // split are packed at the shard folder's top, as they always were.
        var packers = new Dictionary<string, BestFitPacker>(StringComparer.Ordinal);
        var writers = new SortedDictionary<string, ShardWriter<PackedRow>>(StringComparer.Ordinal);
        var alignments = new Dictionary<string, RankAlignment<PackedRow>>(StringComparer.Ordinal);
        var columns = new PackedRowColumns(options.SeqLen, padId);
        BestFitPacker PackerFor(string split)
        {
            if (!packers.TryGetValue(split, out var packer))
            {
                packers[split] = packer = new BestFitPacker(options.SeqLen, options.PackingWindow);
            }

            return packer;
        }

        // Shard files are encoded on tasks of their own, a few at once, each holding up to a whole file of rows, so
        // packing runs ahead of encoding (one encoder was the ceiling on 16 cores, issue 21).
        var parallelFiles = Math.Clamp(context.Workers / 3, 2, 6);
        async ValueTask EmitAsync(string split, PackedRow row)
        {
            if (!alignments.TryGetValue(split, out var alignment))
            {
                alignments[split] = alignment = new RankAlignment<PackedRow>(options.Ranks);
            }

            if (alignment.Add(row, out var released))
            {
                await WriterFor(split).WriteAsync(released, cancellationToken);
                context.Counters.AddRowsWritten(1, released.Tokens);
            }
        }

        ShardWriter<PackedRow> WriterFor(string split)
        {
            if (!writers.TryGetValue(split, out var writer))
            {
                writers[split] = writer = new ShardWriter<PackedRow>(
                    split.Length == 0 ? folder : folder.At(split), prefix, options.RowsPerShard, ShardEncoding.Of(options), columns, parallelFiles, options.RowsPerShard);
            }

            return writer;
        }

        var gpuBatches = new GpuBatchLayout.BatchCounts();
        if (opening is not null && context.Environment("DATAFORGE_GPU_SIMULATOR") == "1")
        {
            await opening;
        }

        var laidOut = opening is not null
            ? GpuBatchLayout.LayOutAsync(input, opening, layout, tokenizer, gpuBatches, cancellationToken)
            : ParallelLayout.LayOutAsync(input.Select((sample, index) => (sample, (long)index)), layout, tokenizer, context.Workers, cancellationToken);
        GpuTextEncoder? gpu = null;

        try
        {
            await foreach (var (sample, result) in laidOut)
            {
                if (result.RejectReason is { } reason)
                {
                    await run.RejectAsync(new Rejection(sample.Id, reason, result.RejectMessage ?? reason));
                }
                else if (SplitNames.Problem(sample.Split) is { } problem)
                {
                    await run.RejectAsync(new Rejection(sample.Id, PackRejectReasons.PackInvalidSplit, problem));
                }
                else
                {
                    var split = sample.Split ?? string.Empty;
                    var packer = PackerFor(split);
                    foreach (var document in result.Documents)
                    {
                        foreach (var row in packer.Add(document))
                        {
                            await EmitAsync(split, row);
                        }
                    }
                }

                yield return sample;
            }

            foreach (var (split, packer) in packers.OrderBy(pair => pair.Key, StringComparer.Ordinal))
            {
                foreach (var row in packer.Flush())
                {
                    await EmitAsync(split, row);
                }
            }

            // Each split's rows divide by ranks: the last rows (best-fit's emptiest) that do not are dropped.
            var droppedBySplit = new Dictionary<string, (long Rows, long Tokens)>(StringComparer.Ordinal);
            foreach (var (split, alignment) in alignments.OrderBy(pair => pair.Key, StringComparer.Ordinal))
            {
                var (kept, dropped) = alignment.Complete();
                foreach (var row in kept)
                {
                    await WriterFor(split).WriteAsync(row, cancellationToken);
                    context.Counters.AddRowsWritten(1, row.Tokens);
                }

                droppedBySplit[split] = (dropped.Count, dropped.Sum(row => (long)row.Tokens));
            }

            gpu = opening is null ? null : await opening;
            if (gpu is not null)
            {
                context.Logger.LogInformation("pack: {Device} batches tokenized on the GPU, {Host} on the CPU (while the GPU started)", gpuBatches.Device, gpuBatches.Host);
                var timings = gpu.Timings;
                context.Logger.LogInformation("pack: GPU tokenizer time: prepare {Prepare:F2} s, upload {Upload:F2} s, kernel {Kernel:F2} s, download {Download:F2} s, gather {Gather:F2} s", timings.Prepare, timings.Upload, timings.Kernel, timings.Download, timings.Gather);
            }

            if (gpu is { CpuPieces: > 0 })
            {
                context.Logger.LogInformation("pack: {Pieces} pieces longer than the GPU kernel takes were merged on the CPU", gpu.CpuPieces);
            }

            var sets = new SortedDictionary<string, TaskShardSet>(StringComparer.Ordinal);
            foreach (var (split, writer) in writers)
            {
                var (droppedRows, droppedTokens) = droppedBySplit.GetValueOrDefault(split);
                var (files, stats) = await writer.CompleteAsync();
                sets[split] = new TaskShardSet(files, stats, droppedRows, droppedTokens);
                if (droppedRows > 0)
                {
                    context.Logger.LogInformation("pack: dropped the last {Rows} rows ({Tokens} tokens) of {Split} so its rows divide into {Ranks} ranks", droppedRows, droppedTokens, split.Length == 0 ? "the shards" : split, options.Ranks);
                }
            }

            context.Logger.LogInformation("pack: {Rows} rows written in {Files} files", sets.Values.Sum(set => set.Stats.Rows), sets.Values.Sum(set => set.Files.Count));
            var report = new TaskPackReport(sets, Describe(tokenizer, padId));
            run.Publish(JsonSerializer.SerializeToNode(report, DataForgeJson.Compact)!);
            run.PublishReport();
        }
        finally
        {
            // A failed task leaves no half-written shard behind: each writer's open file is discarded, not published.
            foreach (var writer in writers.Values)
            {
                await writer.DisposeAsync();
            }

            await DisposeOpenedAsync(opening);
        }
    }

    /// <summary>The GPU tokenizer disposed once it has opened; an exception of its opening is the run's, not thrown here.</summary>
    private static Task DisposeOpenedAsync(Task<GpuTextEncoder?>? opening) =>
        opening?.ContinueWith(open => { if (open.IsCompletedSuccessfully) { open.Result?.Dispose(); } }, TaskScheduler.Default) ?? Task.CompletedTask;

    /// <summary>
    /// The GPU tokenizer when the run asks for <c>cuda</c> and one starts; otherwise null (the CPU path), with a warning
    /// saying why when a GPU was asked for. <c>DATAFORGE_GPU_SIMULATOR=1</c> runs the kernel in ILGPU's CPU simulator,
    /// which lets the GPU path be tested on machines without one.
    /// </summary>
    /// <summary>
    /// The tokenizer with its merge table built (on all cores) before any worker needs it: built on first use, it had
    /// every layout worker spinning on the table's lock while the one building it found no free core for its parallel
    /// loop (1.8 s of busy thread time on 16 cores, issue 21's profile).
    /// </summary>
    private static ITextTokenizer WithMergeTable(ITextTokenizer tokenizer)
    {
        if (tokenizer is IByteLevelTokenizer byteLevel)
        {
            _ = byteLevel.Bpe.Merges;
        }

        return tokenizer;
    }

    private static GpuTextEncoder? OpenGpu(StageContext context, Func<ITextTokenizer> tokenizer)
    {
        var backend = context.Environment("DATAFORGE_GPU_SIMULATOR") == "1" ? GpuBackend.CpuSimulator : GpuBackend.Cuda;
        try
        {
            var gpu = GpuTextEncoder.Open(tokenizer, backend);
            context.Logger.LogInformation("pack: tokenizing on {Device}", gpu.DeviceName);
            return gpu;
        }
        catch (GpuUnavailableException e)
        {
            context.Logger.LogWarning("pack: --device cuda, but {Reason}; tokenizing on the CPU instead (same ids)", e.Message);
            return null;
        }
    }

    internal static IStorage ShardFolder(IStorage output, PackOptions options) =>
        options.Path.Length == 0 ? output : output.At(options.Path);

    /// <summary>The shard folder's copy of a tokenizer.json, written by the finisher.</summary>
    internal const string TokenizerFile = "tokenizer.json";

    internal static TokenizerInfo Describe(ITextTokenizer tokenizer, int padId) => new(
        tokenizer.Name,
        tokenizer.VocabSize,
        tokenizer.Fingerprint,
        tokenizer.EndOfDocumentId,
        padId,
        new SortedDictionary<string, int>(tokenizer.SpecialTokens.ToDictionary(), StringComparer.Ordinal),
        tokenizer is HuggingFaceBpe ? TokenizerFile : null);

    internal sealed record TaskShardSet(
        [property: System.Text.Json.Serialization.JsonPropertyName("files")] IReadOnlyList<ShardFile> Files,
        [property: System.Text.Json.Serialization.JsonPropertyName("stats")] ShardStats Stats,
        [property: System.Text.Json.Serialization.JsonPropertyName("dropped_rows")] long DroppedRows = 0,
        [property: System.Text.Json.Serialization.JsonPropertyName("dropped_real_tokens")] long DroppedRealTokens = 0);

    /// <summary>A task's shards by split ("" for samples without one).</summary>
    internal sealed record TaskPackReport(
        [property: System.Text.Json.Serialization.JsonPropertyName("sets")] IReadOnlyDictionary<string, TaskShardSet> Sets,
        [property: System.Text.Json.Serialization.JsonPropertyName("tokenizer")] TokenizerInfo Tokenizer);

    /// <summary>
    /// When every task is done: merges the tasks' reports into index.json and copies a tokenizer.json beside the shards.
    /// With splits, each split's folder holds a complete shard set of its own (index.json, tokenizer) and the top
    /// index.json lists every file (split files as <c>split/name</c>) with a <c>splits</c> summary.
    /// </summary>
    private static async Task FinishAsync(PackOptions options, StageFinishContext context)
    {
        var reports = context.TaskReports
            .Select(node => node?.Deserialize<TaskPackReport>(DataForgeJson.Compact) ?? throw new DataForgeException("a task finished without a packing report"))
            .ToList();
        var tokenizer = reports[0].Tokenizer;
        var splitNames = reports.SelectMany(report => report.Sets.Keys).Where(name => name.Length > 0).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var folder = ShardFolder(context.Output, options);
        var tokenizerBytes = await TokenizerBytesAsync(options.Tokenizer, tokenizer, context.BaseDirectory, context.CancellationToken);

        (ShardStats Stats, List<ShardFile> Files, RanksInfo? Ranks) Merge(string split)
        {
            var stats = new ShardStats();
            var files = new List<ShardFile>();
            long droppedRows = 0, droppedTokens = 0;
            foreach (var report in reports)
            {
                if (report.Sets.TryGetValue(split, out var set))
                {
                    stats.Add(set.Stats);
                    files.AddRange(set.Files);
                    droppedRows += set.DroppedRows;
                    droppedTokens += set.DroppedRealTokens;
                }
            }

            return (stats, [.. files.OrderBy(file => file.Name, StringComparer.Ordinal)], RanksOf(options, stats.Rows, droppedRows, droppedTokens));
        }

        var splits = new SortedDictionary<string, SplitSummary>(StringComparer.Ordinal);
        var all = new ShardStats();
        var allFiles = new List<ShardFile>();
        long allDroppedRows = 0, allDroppedTokens = 0;
        foreach (var split in splitNames)
        {
            var (stats, files, ranks) = Merge(split);
            await WriteSetAsync(folder.At(split), Index(options, context, tokenizer, stats, files, null) with { Ranks = ranks }, tokenizerBytes, context.CancellationToken);
            allDroppedRows += ranks?.DroppedRows ?? 0;
            allDroppedTokens += ranks?.DroppedRealTokens ?? 0;
            splits[split] = new SplitSummary(stats.Rows, stats.RealTokens, stats.Documents, stats.LossTokens, [.. files.Select(file => $"{split}/{file.Name}")]);
            all.Add(stats);
            allFiles.AddRange(files.Select(file => file with { Name = $"{split}/{file.Name}", Arrow = file.Arrow is { } twin ? twin with { Name = $"{split}/{twin.Name}" } : null }));
        }

        var (top, topFiles, topRanks) = Merge(string.Empty);
        all.Add(top);
        allFiles.InsertRange(0, topFiles);
        var allRanks = RanksOf(options, all.Rows, allDroppedRows + (topRanks?.DroppedRows ?? 0), allDroppedTokens + (topRanks?.DroppedRealTokens ?? 0));
        await WriteSetAsync(folder, Index(options, context, tokenizer, all, allFiles, splits.Count > 0 ? splits : null) with { Ranks = allRanks }, tokenizerBytes, context.CancellationToken);
    }

    private static RanksInfo? RanksOf(PackOptions options, long rows, long droppedRows, long droppedTokens) =>
        options.Ranks > 1 ? new RanksInfo(options.Ranks, rows / options.Ranks, droppedRows, droppedTokens) : null;


    internal static ShardIndex Index(PackOptions options, StageFinishContext context, TokenizerInfo tokenizer, ShardStats stats, List<ShardFile> files, IReadOnlyDictionary<string, SplitSummary>? splits) => new()
    {
        DataForgeVersion = DataForgeJson.DataForgeVersion,
        SeqLen = options.SeqLen,
        Rows = stats.Rows,
        RealTokens = stats.RealTokens,
        PadTokens = stats.PadTokens,
        FillRatio = stats.FillRatio,
        Documents = stats.Documents,
        LossTokens = stats.LossTokens,
        TokensByModality = new SortedDictionary<string, long>(StringComparer.Ordinal)
        {
            ["audio"] = stats.AudioTokens,
            ["image"] = stats.ImageTokens,
            ["text"] = stats.TextTokens,
            ["video"] = stats.VideoTokens,
        },
        Tokenizer = tokenizer,
        Layout = LayoutOf(options),
        ConfigHash = context.ConfigHash,
        Files = files,
        ShardFormat = options.Format,
        Splits = splits,
    };

    /// <summary>How the options lay documents out, as index.json records it.</summary>
    internal static LayoutInfo LayoutOf(PackOptions options) => new(
        options.EffectiveLoss,
        options.EndOfDocument,
        options.SplitLongText,
        RowAssembler.IgnoreIndex,
        new SortedDictionary<string, int>(StringComparer.Ordinal) { ["audio"] = Modality.Audio, ["image"] = Modality.Image, ["padding"] = Modality.Padding, ["text"] = Modality.Text, ["video"] = Modality.Video },
        options.ImagePatch,
        options.ImageMinPixels,
        options.ImageMaxPixels,
        options.AudioTokensPerSecond,
        "best-fit-decreasing",
        options.PackingWindow,
        options.ChatTemplate,
        options.VideoMinPixels,
        options.VideoMaxPixels,
        options.VideoChunkSeconds,
        options.InterleaveVideoAudio);

    /// <summary>The bytes of the tokenizer.json the shards carry (null for a built-in vocabulary), checked to be the file the tasks tokenized with.</summary>
    internal static async Task<byte[]?> TokenizerBytesAsync(string tokenizerOption, TokenizerInfo tokenizer, string baseDirectory, CancellationToken cancellationToken)
    {
        if (tokenizer.File is null)
        {
            return null;
        }

        var bytes = await File.ReadAllBytesAsync(Path.GetFullPath(tokenizerOption, baseDirectory), cancellationToken);
        return DataForge.Core.Hashing.Hashes.Sha256Hex(bytes) == tokenizer.Fingerprint
            ? bytes
            : throw new DataForgeException($"{tokenizerOption} changed while the run was packing (its sha256 differs from the tasks')");
    }

    internal static async Task WriteSetAsync(IStorage folder, ShardIndex index, byte[]? tokenizerBytes, CancellationToken cancellationToken)
    {
        if (index.Tokenizer.File is { } tokenizerFile && tokenizerBytes is not null)
        {
            await using var copy = await folder.BeginWriteAsync(tokenizerFile, cancellationToken);
            await copy.Stream.WriteAsync(tokenizerBytes, cancellationToken);
            await copy.CommitAsync(cancellationToken);
        }

        await StorageJson.WriteAsync(folder, ShardIndex.FileName, index, cancellationToken);
    }
}
