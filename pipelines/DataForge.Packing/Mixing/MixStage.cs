using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using DataForge.Core;
using DataForge.Core.Model;
using DataForge.Core.Pipeline;
using DataForge.Core.Stages.Contract;
using DataForge.Core.Storage;
using DataForge.Packing.Layout;
using DataForge.Packing.Shards;
using DataForge.Packing.Templates;
using DataForge.Packing.Tokenization;
using Microsoft.Extensions.Logging;

namespace DataForge.Packing.Mixing;

/// <summary>
/// The mix stage (schemas/mixture.md): weighted sources (sample sets packed with the mixture's layout, shard sets taken
/// row by row) blended into one packed shard set whose every window of 1 000 rows holds the target shares; the
/// realised shares, repeats and the worst window's error go into index.json. Two passes over each source: the first
/// measures every unit (and rejects what cannot be packed), the second reads what the plan takes. The whole mixture is
/// one unit of work, done in task 0 (every share depends on every source); it writes the same bytes for any worker
/// count, since nothing in it depends on timing.
/// </summary>
public sealed class MixStage(MixOptions options) : IStage
{
    public static readonly StageDefinition Definition = new StageDefinition<MixOptions>(
        "mix",
        "blend sample sets and shard sets by weight into one packed shard set, shares checked and recorded in index.json",
        options => new MixStage(options),
        PackRejectReasons.All,
        FinishAsync,
        writesTo: options => options.Path);

    public async IAsyncEnumerable<Sample> RunAsync(IAsyncEnumerable<Sample> input, StageContext context)
    {
        await foreach (var upstream in input.WithCancellation(context.CancellationToken))
        {
            yield return upstream;
        }

        if (context.TaskIndex == 0)
        {
            await MixAsync(context);
        }
    }

    private async Task MixAsync(StageContext context)
    {
        if (options.Sources.Count == 0)
        {
            // Not a rule of the options record: its defaults (no sources) must bind, for the stage reference.
            throw new UsageException("a mixture needs at least one source (sources: [{name, path, weight}, …])");
        }

        var cancellationToken = context.CancellationToken;
        var run = new StageRun(context);
        var pack = options.Layout;
        var tokenizer = TokenizerCatalog.Load(options.Tokenizer, context.BaseDirectory);
        var layout = new DocumentLayout(pack, tokenizer, ChatTemplates.Resolve(pack.ChatTemplate, context.BaseDirectory));
        var tokenizerInfo = PackStage.Describe(tokenizer, tokenizer.EndOfDocumentId);
        var storage = new StorageFactory(context.Environment, context.BaseDirectory);
        var sources = await MixSource.OpenAllAsync(options, storage, tokenizerInfo, PackStage.LayoutOf(pack), cancellationToken);

        var units = new List<SourceUnits>();
        foreach (var source in sources)
        {
            units.Add(await SourceUnits.MeasureAsync(source, layout, tokenizer, run));
            context.Logger.LogInformation("mix: {Source}: {Tokens:N0} tokens in {Documents:N0} documents ({Kind})", source.Spec.Name, units[^1].TotalTokens, units[^1].TotalDocuments, source.Kind);
        }

        var plans = MixturePlan.Compute(options, sources, units);
        var shares = sources.Select(source => source.Share).ToArray();
        // Each source decodes (or lays out and packs) on its own task, a few row groups ahead of the blend.
        var streams = sources.Select((source, s) => ReadAhead.Of(SourceRows.ReadAsync(source, plans[s], units[s], pack, layout, tokenizer, context.Workers, cancellationToken), 256, cancellationToken)).ToList();
        var folder = PackStage.ShardFolder(context.Output, pack);
        var window = new WindowShares(shares, MixOptions.WindowRows, options.BySamples);
        var given = sources.Select(_ => new SourceTally()).ToArray();
        var media = new MediaCopier(context.Output);
        var alignment = new RankAlignment<MixRow>(options.Ranks);
        // Mixed rows are whole columns already (ShardRow, 28 bytes a token): one file at a time, a few row groups ahead.
        await using var writer = new ShardWriter<ShardRow>(folder, "shard-", pack.RowsPerShard, ShardEncoding.Of(pack), ShardRowColumns.Instance);

        // Rows are encoded and written on a task of their own while the blend goes on (the order is the channel's).
        var kept = System.Threading.Channels.Channel.CreateBounded<MixRow>(new System.Threading.Channels.BoundedChannelOptions(256) { SingleReader = true, SingleWriter = true });
        var writing = Task.Run(
            async () =>
            {
                try
                {
                    await foreach (var row in kept.Reader.ReadAllAsync(cancellationToken))
                    {
                        await media.CopyAsync(row, sources[row.Source], cancellationToken);
                        await writer.WriteAsync(row.Row, cancellationToken);
                        window.Add(row);
                        given[row.Source].Add(row);
                    }
                }
                catch (Exception e)
                {
                    // Close the channel so the blend stops instead of waiting on a writer that is gone.
                    kept.Writer.TryComplete(e);
                    throw;
                }
            },
            cancellationToken);

        IReadOnlyList<MixRow> dropped;
        try
        {
            await foreach (var row in RowBlender.BlendAsync(streams, shares, options.BySamples, options.TotalRows, cancellationToken))
            {
                if (alignment.Add(row, out var released))
                {
                    await HandOverAsync(kept.Writer, released, writing, cancellationToken);
                }
            }

            (var last, dropped) = alignment.Complete();
            foreach (var row in last)
            {
                await HandOverAsync(kept.Writer, row, writing, cancellationToken);
            }
        }
        finally
        {
            kept.Writer.TryComplete();
        }

        await writing;
        window.Complete();
        var (files, stats) = await writer.CompleteAsync();
        if (stats.Rows == 0)
        {
            throw new DataForgeException($"the mixture made no rows{(dropped.Count > 0 ? $" ({dropped.Count} dropped to divide by ranks {options.Ranks})" : string.Empty)}");
        }

        if (options.TotalRows is { } wanted && stats.Rows + dropped.Count < wanted)
        {
            context.Logger.LogWarning("mix: total_rows {Wanted} asked, the sources gave {Rows} (their quotas assume full rows; the rows are {Fill:P1} full)", wanted, stats.Rows + dropped.Count, stats.FillRatio);
        }

        var unitTotal = (double)given.Sum(tally => options.BySamples ? tally.Documents : tally.Tokens);
        var info = new MixtureInfo(
            options.Weights,
            options.TotalTokens,
            options.TotalRows,
            options.Seed,
            MixOptions.WindowRows,
            Math.Round(window.WorstError, 6),
            window.WorstFirstRow,
            [.. sources.Select((source, s) => new MixtureSourceInfo(
                source.Spec.Name,
                source.Spec.Path,
                source.Kind,
                source.Spec.Weight,
                Math.Round(source.Share, 6),
                Math.Round((options.BySamples ? given[s].Documents : given[s].Tokens) / unitTotal, 6),
                given[s].Rows,
                given[s].Tokens,
                given[s].Documents,
                given[s].Repeats,
                Math.Round((options.BySamples ? given[s].Documents : given[s].Tokens) / (double)plans[s].Available, 4),
                source.Spec.MaxEpochs,
                units[s].TotalTokens,
                units[s].TotalDocuments,
                units[s].LeftOutOtherSplits))]);
        foreach (var source in info.Sources)
        {
            context.Logger.LogInformation(
                "mix: {Source}: target {Target:P1}, realised {Realised:P2}, {Tokens:N0} tokens, {Rows:N0} rows, {Repeats:N0} repeated documents",
                source.Name, source.TargetShare, source.RealisedShare, source.Tokens, source.Rows, source.Repeats);
            if (source.LeftOutOtherSplits > 0)
            {
                context.Logger.LogWarning("mix: {Source}: {Count} samples of other splits than train were left out (a mixture blends training data)", source.Name, source.LeftOutOtherSplits);
            }
        }

        if (window.WorstError > 0.01)
        {
            context.Logger.LogWarning("mix: the worst window of {Rows} rows (from row {First}) misses a target share by {Error:P2}: documents this long for rows this few cannot hold the shares closer", MixOptions.WindowRows, window.WorstFirstRow, window.WorstError);
        }

        var ranks = options.Ranks > 1 ? new RanksInfo(options.Ranks, stats.Rows / options.Ranks, dropped.Count, dropped.Sum(row => row.Tokens)) : null;
        if (dropped.Count > 0)
        {
            context.Logger.LogInformation("mix: dropped the last {Rows} rows ({Tokens} tokens) so {Kept} rows divide into {Ranks} ranks", dropped.Count, ranks!.DroppedRealTokens, stats.Rows, options.Ranks);
        }

        context.Logger.LogInformation("mix: {Rows} rows, worst window share error {Error:P2}, {Media} media copied", stats.Rows, window.WorstError, media.Copied);
        run.Publish(JsonSerializer.SerializeToNode(new MixReport(files, stats, tokenizerInfo, info, ranks), DataForgeJson.Compact)!);
        run.PublishReport();
    }

    /// <summary>Hands a row to the writing task; if that task failed, its own exception, not the channel's.</summary>
    private static async ValueTask HandOverAsync(System.Threading.Channels.ChannelWriter<MixRow> channel, MixRow row, Task writing, CancellationToken cancellationToken)
    {
        try
        {
            await channel.WriteAsync(row, cancellationToken);
        }
        catch (System.Threading.Channels.ChannelClosedException)
        {
            await writing;
            throw;
        }
    }

    private static async Task FinishAsync(MixOptions options, StageFinishContext context)
    {
        var report = context.TaskReports.Where(node => node is not null).Select(node => node!.Deserialize<MixReport>(DataForgeJson.Compact)!).SingleOrDefault()
            ?? throw new DataForgeException("the mixture's task finished without its report");
        var pack = options.Layout;
        var tokenizerBytes = await PackStage.TokenizerBytesAsync(options.Tokenizer, report.Tokenizer, context.BaseDirectory, context.CancellationToken);
        var index = PackStage.Index(pack, context, report.Tokenizer, report.Stats, [.. report.Files], null) with { Mixture = report.Mixture, Ranks = report.Ranks };
        await PackStage.WriteSetAsync(PackStage.ShardFolder(context.Output, pack), index, tokenizerBytes, context.CancellationToken);
    }

    /// <summary>What one source gave the written rows.</summary>
    private sealed class SourceTally
    {
        public long Rows { get; private set; }

        public long Tokens { get; private set; }

        public long Documents { get; private set; }

        public long Repeats { get; private set; }

        public void Add(MixRow row)
        {
            Rows++;
            Tokens += row.Tokens;
            Documents += row.Documents;
            Repeats += row.RepeatDocuments;
        }
    }

    internal sealed record MixReport(
        [property: JsonPropertyName("files")] IReadOnlyList<ShardFile> Files,
        [property: JsonPropertyName("stats")] ShardStats Stats,
        [property: JsonPropertyName("tokenizer")] TokenizerInfo Tokenizer,
        [property: JsonPropertyName("mixture")] MixtureInfo Mixture,
        [property: JsonPropertyName("ranks")] RanksInfo? Ranks);
}
