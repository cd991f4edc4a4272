using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using DataForge.Core;
using DataForge.Core.Model;
using DataForge.Core.Pipeline;
using DataForge.Core.Stages.Contract;
using DataForge.Core.Storage;
using DataForge.Packing.Layout;
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
        var tokenizer = TokenizerCatalog.Load(options.Tokenizer, context.BaseDirectory);
        var layout = new DocumentLayout(options, tokenizer, ChatTemplates.Resolve(options.ChatTemplate, context.BaseDirectory));
        var padId = tokenizer.EndOfDocumentId;
        var sessions = new ConcurrentBag<ITokenizerSession>();
        var packer = new BestFitPacker(options.SeqLen, options.PackingWindow);
        var folder = ShardFolder(context.Output, options);
        var prefix = context.TaskCount == 1 ? "shard-" : $"shard-{context.TaskIndex:D5}-";
        await using var writer = new ShardWriter(folder, prefix, options.RowsPerShard, options.RowGroupSize);

        using var gpu = OpenGpu(context, tokenizer);
        var laidOut = gpu is not null ? GpuBatchLayout.LayOutAsync(input, gpu, layout, cancellationToken) : input
            .Select((sample, index) => (Sample: sample, Index: (long)index))
            .SelectOrderedAsync(
                (item, _) =>
                {
                    var session = sessions.TryTake(out var pooled) ? pooled : tokenizer.CreateSession();
                    try
                    {
                        return ValueTask.FromResult((item.Sample, Result: layout.Lay(item.Sample, session, item.Index)));
                    }
                    finally
                    {
                        sessions.Add(session);
                    }
                },
                context.Workers,
                cancellationToken);

        // Rows are assembled and written on their own task, so tokenization goes on while a window's rows are written.
        var assembling = TimeSpan.Zero;
        var rows = Channel.CreateBounded<PackedRow>(new BoundedChannelOptions(256) { SingleReader = true, SingleWriter = true });
        var writing = Task.Run(
            async () =>
            {
                try
                {
                    await foreach (var row in rows.Reader.ReadAllAsync(cancellationToken))
                    {
                        var started = context.Clock.GetTimestamp();
                        var assembled = RowAssembler.Assemble(row, options.SeqLen, padId);
                        assembling += context.Clock.GetElapsedTime(started);
                        await writer.WriteAsync(assembled, cancellationToken);
                    }
                }
                catch (Exception e)
                {
                    // Close the channel so the packing loop stops instead of waiting on a reader that is gone.
                    rows.Writer.TryComplete(e);
                    throw;
                }
            },
            cancellationToken);

        async ValueTask EmitAsync(PackedRow row)
        {
            try
            {
                await rows.Writer.WriteAsync(row, cancellationToken);
            }
            catch (ChannelClosedException)
            {
                await writing; // the writer's own exception, not the channel's
                throw;
            }
        }

        try
        {
            await foreach (var (sample, result) in laidOut)
            {
                if (result.RejectReason is { } reason)
                {
                    await run.RejectAsync(new Rejection(sample.Id, reason, result.RejectMessage ?? reason));
                }
                else
                {
                    foreach (var document in result.Documents)
                    {
                        foreach (var row in packer.Add(document))
                        {
                            await EmitAsync(row);
                        }
                    }
                }

                yield return sample;
            }

            foreach (var row in packer.Flush())
            {
                await EmitAsync(row);
            }
        }
        finally
        {
            rows.Writer.TryComplete();
        }

        await writing;
        context.Logger.LogInformation("pack: {Rows} rows laid out in {Milliseconds:F0} ms", writer.Stats.Rows, assembling.TotalMilliseconds);
        if (gpu is { CpuPieces: > 0 })
        {
            context.Logger.LogInformation("pack: {Pieces} pieces longer than the GPU kernel takes were merged on the CPU", gpu.CpuPieces);
        }

        var files = await writer.CompleteAsync(cancellationToken);
        var report = new TaskPackReport(files, writer.Stats, Describe(tokenizer, padId));
        run.Publish(JsonSerializer.SerializeToNode(report, DataForgeJson.Compact)!);
        run.PublishReport();
    }

    /// <summary>
    /// The GPU tokenizer when the run asks for <c>cuda</c> and one starts; otherwise null (the CPU path), with a warning
    /// saying why when a GPU was asked for. <c>DATAFORGE_GPU_SIMULATOR=1</c> runs the kernel in ILGPU's CPU simulator,
    /// which lets the GPU path be tested on machines without one.
    /// </summary>
    private static GpuTextEncoder? OpenGpu(StageContext context, ITextTokenizer tokenizer)
    {
        if (context.Device != "cuda")
        {
            return null;
        }

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

    private static TokenizerInfo Describe(ITextTokenizer tokenizer, int padId) => new(
        tokenizer.Name,
        tokenizer.VocabSize,
        tokenizer.Fingerprint,
        tokenizer.EndOfDocumentId,
        padId,
        new SortedDictionary<string, int>(tokenizer.SpecialTokens.ToDictionary(), StringComparer.Ordinal),
        tokenizer is HuggingFaceBpe ? TokenizerFile : null);

    internal sealed record TaskPackReport(
        [property: System.Text.Json.Serialization.JsonPropertyName("files")] IReadOnlyList<ShardFile> Files,
        [property: System.Text.Json.Serialization.JsonPropertyName("stats")] ShardStats Stats,
        [property: System.Text.Json.Serialization.JsonPropertyName("tokenizer")] TokenizerInfo Tokenizer);

    /// <summary>When every task is done: merges the tasks' reports into index.json and copies a tokenizer.json beside the shards.</summary>
    private static async Task FinishAsync(PackOptions options, StageFinishContext context)
    {
        var reports = context.TaskReports
            .Select(node => node?.Deserialize<TaskPackReport>(DataForgeJson.Compact) ?? throw new DataForgeException("a task finished without a packing report"))
            .ToList();
        var stats = new ShardStats();
        foreach (var report in reports)
        {
            stats.Add(report.Stats);
        }

        var index = new ShardIndex
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
            },
            Tokenizer = reports[0].Tokenizer,
            Layout = new LayoutInfo(
                options.EffectiveLoss,
                options.EndOfDocument,
                options.SplitLongText,
                RowAssembler.IgnoreIndex,
                new SortedDictionary<string, int>(StringComparer.Ordinal) { ["audio"] = Modality.Audio, ["image"] = Modality.Image, ["padding"] = Modality.Padding, ["text"] = Modality.Text },
                options.ImagePatch,
                options.ImageMinPixels,
                options.ImageMaxPixels,
                options.AudioTokensPerSecond,
                "best-fit-decreasing",
                options.PackingWindow,
                options.ChatTemplate),
            ConfigHash = context.ConfigHash,
            Files = [.. reports.SelectMany(report => report.Files).OrderBy(file => file.Name, StringComparer.Ordinal)],
        };
        var folder = ShardFolder(context.Output, options);
        if (index.Tokenizer.File is { } tokenizerFile)
        {
            // The shards carry their tokenizer, checked to be the very file the tasks tokenized with.
            var bytes = await File.ReadAllBytesAsync(Path.GetFullPath(options.Tokenizer, context.BaseDirectory), context.CancellationToken);
            if (DataForge.Core.Hashing.Hashes.Sha256Hex(bytes) != index.Tokenizer.Fingerprint)
            {
                throw new DataForgeException($"{options.Tokenizer} changed while the run was packing (its sha256 differs from the tasks')");
            }

            await using var copy = await folder.BeginWriteAsync(tokenizerFile, context.CancellationToken);
            await copy.Stream.WriteAsync(bytes, context.CancellationToken);
            await copy.CommitAsync(context.CancellationToken);
        }

        await StorageJson.WriteAsync(folder, ShardIndex.FileName, index, context.CancellationToken);
    }
}
