using System.Text.Json;
using System.Text.Json.Nodes;
using DataForge.Core;
using DataForge.Core.Pipeline;
using DataForge.Core.Storage;
using DataForge.Packing.Mixing;
using DataForge.Packing.Shards;
using DataForge.Testing;

namespace DataForge.Packing.Tests;

/// <summary>
/// The mix stage through the real runner. Shares are checked from the rows themselves (each document's id names its
/// source, cu_seqlens gives its tokens), not from the mixer's own accounting, which is checked against them.
/// </summary>
public sealed class MixTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    /// <summary>A finished sample set of <paramref name="documents"/> text documents of about <paramref name="words"/> words, ids "PREFIX-N".</summary>
    private async Task<string> SampleSetAsync(string prefix, int documents, int words, string? split = null, bool everyFifth = true)
    {
        var input = _temp.Combine($"{prefix}.jsonl");
        var random = new Random(prefix.Sum(letter => letter)); // string.GetHashCode differs per process: the data would too
        string[] vocabulary = ["mixture", "weights", "tokens", "rows", "share", "window", "source", "blend", "data", "seed"];
        await File.WriteAllLinesAsync(input, Enumerable.Range(0, documents).Select(d =>
        {
            var row = new JsonObject
            {
                ["id"] = $"{prefix}-{d}",
                ["text"] = string.Join(' ', Enumerable.Range(0, words + random.Next(words / 2)).Select(_ => vocabulary[random.Next(vocabulary.Length)])),
            };
            if (split is not null && (!everyFifth || d % 5 == 0))
            {
                row["split"] = split;
            }

            return row.ToJsonString();
        }));
        var output = _temp.Combine(prefix);
        await PipelineRuns.RunAsync(new PipelineSpec(prefix, [], output, [new StageSpec("read-table", new JsonObject { ["inputs"] = new JsonArray(input) }, new SourceLocation("t", 1, 1)), new StageSpec("write", [], new SourceLocation("t", 2, 1))], 1, "/"), []);
        return output;
    }

    private static JsonObject Mixture(long? totalTokens, params (string Name, string Path, double Weight, double MaxEpochs)[] sources) => new()
    {
        ["seq_len"] = 128,
        ["seed"] = 3,
        ["total_tokens"] = totalTokens,
        ["sources"] = new JsonArray([.. sources.Select(source => (JsonNode)new JsonObject { ["name"] = source.Name, ["path"] = source.Path, ["weight"] = source.Weight, ["max_epochs"] = source.MaxEpochs })]),
    };

    private async Task<(ShardIndex Index, List<ShardRow> Rows)> MixAsync(JsonObject mixture, string output, int workers = 2)
    {
        if (mixture["total_tokens"] is null)
        {
            mixture.Remove("total_tokens");
        }

        await PipelineRuns.RunAsync(new PipelineSpec("mix", [], output, [new StageSpec("mix", mixture, new SourceLocation("t", 1, 1))], 1, "/"), [MixStage.Definition], workers);
        var folder = new LocalStorage(output);
        var index = await ShardReader.ReadIndexAsync(folder);
        return (index, await ShardReader.ReadRowsAsync(folder, index).Select(pair => pair.Row).ToListAsync());
    }

    private static string SourceOf(string docId) => docId.Split('-')[0];

    [Fact]
    public async Task Every_window_of_1000_rows_holds_the_target_shares_within_a_point_with_repeats_and_subsamples_counted()
    {
        var a = await SampleSetAsync("a", 1500, 60);
        var b = await SampleSetAsync("b", 3000, 8);
        var c = await SampleSetAsync("c", 200, 30);
        var (index, rows) = await MixAsync(Mixture(240_000, ("a", a, 0.45, 1), ("b", b, 0.45, 4), ("c", c, 0.10, 4)), _temp.Combine("mix"));

        Assert.True(rows.Count > 1500, $"{rows.Count} rows");
        Assert.Equal(index.Rows, rows.Count);
        double[] targets = [0.45, 0.45, 0.10];
        var names = new[] { "a", "b", "c" };
        var tokens = rows.Select(row => names.Select(name => Enumerable.Range(0, row.DocIds.Length).Where(d => SourceOf(row.DocIds[d]) == name).Sum(d => (long)row.CuSeqlens[d + 1] - row.CuSeqlens[d])).ToArray()).ToList();
        var worst = 0.0;
        for (var start = 0; start + 1000 <= rows.Count; start++)
        {
            var window = tokens.Skip(start).Take(1000).ToList();
            var total = (double)window.Sum(row => row.Sum());
            for (var s = 0; s < 3; s++)
            {
                worst = Math.Max(worst, Math.Abs((window.Sum(row => row[s]) / total) - targets[s]));
            }
        }

        Assert.True(worst <= 0.01, $"worst window error {worst:P2}");
        Assert.InRange(index.Mixture!.WorstWindowError - worst, -1e-6, 1e-6);

        // Never source-blocked: no source gives more than a few rows in a row, and the end holds every source.
        var sourcesOfRows = rows.Select(row => SourceOf(row.DocIds[0])).ToList();
        Assert.All(rows, row => Assert.Single(row.DocIds.Select(SourceOf).Distinct())); // rows are source-pure
        var longestRun = sourcesOfRows.Select((source, i) => sourcesOfRows.Skip(i).TakeWhile(next => next == source).Count()).Max();
        Assert.True(longestRun <= 6, $"a source gave {longestRun} rows in a row");
        Assert.Equal(names, sourcesOfRows.TakeLast(40).Distinct().Order());

        // index.json agrees with the rows: tokens, documents, repeats per source; a is subsampled, b and c repeated.
        for (var s = 0; s < 3; s++)
        {
            var info = index.Mixture.Sources[s];
            var ids = rows.SelectMany(row => row.DocIds).Where(id => SourceOf(id) == names[s]).ToList();
            Assert.Equal(tokens.Sum(row => row[s]), info.Tokens);
            Assert.Equal(ids.Count, info.Documents);
            Assert.Equal(ids.Count - ids.Distinct().Count(), info.Repeats);
            Assert.InRange(info.RealisedShare - (info.Tokens / (double)index.RealTokens), -1e-6, 1e-6); // index.json rounds to 6 places
            Assert.True(Math.Abs(info.RealisedShare - targets[s]) < 0.005, $"{names[s]}: {info.RealisedShare}");
        }

        Assert.True(index.Mixture.Sources[0].Epochs < 1 && index.Mixture.Sources[0].Repeats == 0);
        Assert.True(index.Mixture.Sources[1].Epochs > 1 && index.Mixture.Sources[1].Repeats > 0);
        Assert.InRange(index.RealTokens, 239_000, 241_000);
    }

    [Fact]
    public async Task The_same_mixture_gives_the_same_bytes_for_any_worker_count_and_a_subsample_follows_the_seed()
    {
        var a = await SampleSetAsync("a", 400, 30);
        var b = await SampleSetAsync("b", 400, 10);
        var mixture = Mixture(20_000, ("a", a, 0.5, 1), ("b", b, 0.5, 2));
        var (one, _) = await MixAsync(mixture.DeepClone().AsObject(), _temp.Combine("w1"), workers: 1);
        var (four, _) = await MixAsync(mixture.DeepClone().AsObject(), _temp.Combine("w4"), workers: 4);
        Assert.Equal(one.Files.Select(file => file.Sha256), four.Files.Select(file => file.Sha256));
        Assert.Equal(File.ReadAllText(_temp.Combine("w1", "index.json")), File.ReadAllText(_temp.Combine("w4", "index.json")));

        var reseeded = mixture.DeepClone().AsObject();
        reseeded["seed"] = 4;
        var (other, _) = await MixAsync(reseeded, _temp.Combine("seed4"));
        Assert.NotEqual(one.Files.Select(file => file.Sha256), other.Files.Select(file => file.Sha256));
    }

    [Fact]
    public async Task A_shard_set_source_gives_its_rows_unchanged_and_weights_by_samples_share_documents()
    {
        var a = await SampleSetAsync("a", 300, 40);
        var b = await SampleSetAsync("b", 600, 6);
        var (packed, packedRows) = await MixAsync(Mixture(null, ("a", a, 1, 1)), _temp.Combine("a-shards"));
        var mixture = Mixture(null, ("a", _temp.Combine("a-shards"), 1, 1), ("b", b, 1, 1));
        mixture["weights"] = "samples";
        var (index, rows) = await MixAsync(mixture, _temp.Combine("mix"));

        Assert.Equal("shard-set", index.Mixture!.Sources[0].Kind);
        var fromShards = rows.Where(row => SourceOf(row.DocIds[0]) == "a").ToList();
        Assert.All(fromShards, row => Assert.Contains(packedRows, original => original.InputIds.SequenceEqual(row.InputIds) && original.DocIds.SequenceEqual(row.DocIds)));
        var documents = rows.SelectMany(row => row.DocIds).GroupBy(SourceOf).ToDictionary(group => group.Key, group => group.Count());
        Assert.InRange(documents["a"] / (double)(documents["a"] + documents["b"]), 0.49, 0.51);
        Assert.Equal(packed.Documents, index.Mixture.Sources[0].AvailableDocuments);
    }

    [Fact]
    public async Task Ranks_make_the_rows_divisible_dropping_fewer_than_ranks_rows_and_saying_so()
    {
        var a = await SampleSetAsync("a", 300, 30);
        var mixture = Mixture(null, ("a", a, 1, 1));
        mixture["ranks"] = 7;
        var (index, rows) = await MixAsync(mixture, _temp.Combine("mix"));
        Assert.Equal(0, rows.Count % 7);
        Assert.Equal(7, index.Ranks!.Count);
        Assert.Equal(rows.Count / 7, index.Ranks.RowsPerRank);
        Assert.InRange(index.Ranks.DroppedRows, 0, 6);
        var (whole, _) = await MixAsync(Mixture(null, ("a", a, 1, 1)), _temp.Combine("whole"));
        Assert.Equal(whole.Rows, index.Rows + index.Ranks.DroppedRows);
        Assert.Equal(whole.RealTokens, index.RealTokens + index.Ranks.DroppedRealTokens);
    }

    [Fact]
    public async Task Pack_with_ranks_makes_every_split_divisible()
    {
        var input = _temp.Combine("t.jsonl");
        await File.WriteAllLinesAsync(input, Enumerable.Range(0, 200).Select(d => new JsonObject { ["id"] = $"d{d}", ["text"] = string.Concat(Enumerable.Repeat($"text {d} ", 5 + (d % 40))), ["split"] = d % 4 == 0 ? "dev" : "train" }.ToJsonString()));
        var output = _temp.Combine("out");
        await PipelineRuns.RunAsync(new PipelineSpec("p", [], output, [new StageSpec("read-table", new JsonObject { ["inputs"] = new JsonArray(input) }, new SourceLocation("t", 1, 1)), new StageSpec("pack", new JsonObject { ["seq_len"] = 64, ["ranks"] = 3 }, new SourceLocation("t", 2, 1))], 1, "/"), [PackStage.Definition]);
        var index = await ShardReader.ReadIndexAsync(new LocalStorage(output));
        Assert.Equal(0, index.Rows % 3);
        foreach (var split in index.Splits!.Keys)
        {
            var own = await ShardReader.ReadIndexAsync(new LocalStorage(Path.Combine(output, split)));
            Assert.Equal(0, own.Rows % 3);
            Assert.InRange(own.Ranks!.DroppedRows, 0, 2);
        }
    }

    [Fact]
    public async Task Sources_that_cannot_give_the_mixture_are_refused_with_the_numbers()
    {
        var a = await SampleSetAsync("a", 100, 20);
        var b = await SampleSetAsync("b", 100, 20);

        var small = await Assert.ThrowsAsync<UsageException>(() => MixAsync(Mixture(10_000, ("a", a, 0.9, 1), ("b", b, 0.1, 1)), _temp.Combine("m1")));
        Assert.Contains("source 'a'", small.Message, StringComparison.Ordinal);
        Assert.Contains("set max_epochs:", small.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("source 'b'", small.Message, StringComparison.Ordinal);

        var missing = await Assert.ThrowsAsync<UsageException>(() => MixAsync(Mixture(null, ("a", a, 1, 1), ("gone", _temp.Combine("nowhere"), 1, 1)), _temp.Combine("m2")));
        Assert.Contains("source 'gone'", missing.Message, StringComparison.Ordinal);

        var weight = await Assert.ThrowsAsync<UsageException>(() => MixAsync(Mixture(null, ("a", a, 0, 1)), _temp.Combine("m3")));
        Assert.Contains("weight must be a positive number", weight.Message, StringComparison.Ordinal);

        var twice = await Assert.ThrowsAsync<UsageException>(() => MixAsync(Mixture(null, ("a", a, 1, 1), ("a", b, 1, 1)), _temp.Combine("m4")));
        Assert.Contains("named twice", twice.Message, StringComparison.Ordinal);

        // A shard set packed with another seq_len (or tokenizer) is refused naming both values.
        await MixAsync(Mixture(null, ("a", a, 1, 1)), _temp.Combine("a128"));
        var other = Mixture(null, ("a", _temp.Combine("a128"), 1, 1), ("b", b, 1, 1));
        other["seq_len"] = 256;
        var seqLen = await Assert.ThrowsAsync<UsageException>(() => MixAsync(other, _temp.Combine("m5")));
        Assert.Contains("seq_len 128, the mixture's is 256", seqLen.Message, StringComparison.Ordinal);
        var tokenizer = Mixture(null, ("a", _temp.Combine("a128"), 1, 1));
        tokenizer["tokenizer"] = "o200k_base";
        var refused = await Assert.ThrowsAsync<UsageException>(() => MixAsync(tokenizer, _temp.Combine("m6")));
        Assert.Contains("tokenizer cl100k_base", refused.Message, StringComparison.Ordinal);

        // A source whose every sample is of another split gives nothing to mix: refused, not an empty share.
        var devOnly = await SampleSetAsync("d", 10, 20, split: "dev", everyFifth: false);
        var nothing = await Assert.ThrowsAsync<DataForgeException>(() => MixAsync(Mixture(null, ("a", a, 1, 1), ("d", devOnly, 1, 1)), _temp.Combine("m8")));
        Assert.Contains("holds no tokens to mix", nothing.Message, StringComparison.Ordinal);

        // A total that would read a tiny source billions of times is refused, not an overflow or a job without end.
        var endless = await Assert.ThrowsAsync<UsageException>(() => MixAsync(Mixture(1_000_000_000_000_000, ("a", a, 1, 1e300)), _temp.Combine("m9")));
        Assert.Contains("at most 1,000,000 passes", endless.Message, StringComparison.Ordinal);

        var unknown = Mixture(null, ("a", a, 1, 1));
        ((JsonObject)unknown["sources"]![0]!)["wieght"] = 2;
        await Assert.ThrowsAsync<UsageException>(() => MixAsync(unknown, _temp.Combine("m7")));
    }

    [Fact]
    public async Task Samples_of_other_splits_are_left_out_and_counted_and_layout_rejects_are_written_once()
    {
        var a = await SampleSetAsync("a", 100, 20, split: "dev");
        var (index, rows) = await MixAsync(Mixture(null, ("a", a, 1, 1)), _temp.Combine("mix"));
        Assert.Equal(20, index.Mixture!.Sources[0].LeftOutOtherSplits);
        Assert.DoesNotContain(rows.SelectMany(row => row.DocIds), id => int.Parse(id.Split('-')[1].Split('#')[0], System.Globalization.CultureInfo.InvariantCulture) % 5 == 0);
        var manifest = JsonNode.Parse(await File.ReadAllTextAsync(_temp.Combine("mix", "_manifest.json")))!;
        Assert.NotNull(manifest);
        Assert.Equal(JsonValueKind.Object, JsonDocument.Parse(await File.ReadAllTextAsync(_temp.Combine("mix", "index.json"))).RootElement.GetProperty("mixture").ValueKind);
    }
}
