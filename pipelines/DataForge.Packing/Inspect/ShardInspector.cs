using System.Globalization;
using System.Text;
using DataForge.Core.Hashing;
using DataForge.Core.Storage;
using DataForge.Packing.Layout;
using DataForge.Packing.Shards;
using DataForge.Packing.Tokenization;

namespace DataForge.Packing.Inspect;

/// <summary>Summarises and decodes packed shards for a person: the numbers that say whether they are right.</summary>
public static class ShardInspector
{
    public static async Task<ShardSummary> SummarizeAsync(IStorage folder, CancellationToken cancellationToken = default)
    {
        var index = await ShardReader.ReadIndexAsync(folder, cancellationToken);
        var total = new ShardStats();
        var perFile = new SortedDictionary<string, ShardStats>(StringComparer.Ordinal);
        var histogram = new SortedDictionary<int, long>();
        var problems = new List<string>();
        // Files that are not the ones the index describes are reported and not parsed (the Parquet reader can hang on
        // a corrupt footer); the totals then cover the files that match.
        var matching = new List<ShardFile>();
        foreach (var file in index.Files)
        {
            if (await ShardReader.MatchesIndexAsync(folder, file, cancellationToken))
            {
                matching.Add(file);
            }
            else
            {
                problems.Add($"{file.Name}: sha256 differs from index.json; not read");
            }

            // With format both, the Arrow twin is checked too (the trainer reads it in preference).
            if (file.Arrow is { } twin && !await ShardReader.MatchesIndexAsync(folder, file.In(ShardFormats.Arrow)!, cancellationToken))
            {
                problems.Add($"{twin.Name}: sha256 differs from index.json");
            }
        }

        await foreach (var (file, row) in ShardReader.ReadRowsAsync(folder, index with { Files = matching }, cancellationToken))
        {
            if (problems.Count < 20 && row.Problem(index.SeqLen, index.Tokenizer.VocabSize) is { } problem)
            {
                problems.Add($"{file}: {problem}");
            }

            total.Add(row);
            if (!perFile.TryGetValue(file, out var stats))
            {
                perFile[file] = stats = new ShardStats();
            }

            stats.Add(row);
            for (var d = 0; d + 1 < row.CuSeqlens.Length; d++)
            {
                var bucket = BucketOf(row.CuSeqlens[d + 1] - row.CuSeqlens[d]);
                histogram[bucket] = histogram.GetValueOrDefault(bucket) + 1;
            }
        }

        if (index.Mixture is { } mixture && (mixture.Sources.Sum(source => source.Rows) != total.Rows || mixture.Sources.Sum(source => source.Tokens) != total.RealTokens || mixture.Sources.Sum(source => source.Documents) != total.Documents))
        {
            problems.Add($"index.json's mixture sources add up to {mixture.Sources.Sum(source => source.Rows)} rows, {mixture.Sources.Sum(source => source.Tokens)} tokens, {mixture.Sources.Sum(source => source.Documents)} documents; the files hold {total.Rows}, {total.RealTokens}, {total.Documents}");
        }

        if (index.Ranks is { } ranks && total.Rows % ranks.Count != 0)
        {
            problems.Add($"index.json says the rows divide into {ranks.Count} ranks; the files hold {total.Rows} rows");
        }

        if (total.Rows != index.Rows || total.RealTokens != index.RealTokens || total.Documents != index.Documents)
        {
            problems.Add($"index.json says {index.Rows} rows, {index.RealTokens} tokens, {index.Documents} documents; the files hold {total.Rows}, {total.RealTokens}, {total.Documents}");
        }

        return new ShardSummary
        {
            Path = folder.Uri,
            SeqLen = index.SeqLen,
            Tokenizer = index.Tokenizer.Name,
            Rows = total.Rows,
            RealTokens = total.RealTokens,
            FillRatio = total.FillRatio,
            Documents = total.Documents,
            LossTokens = total.LossTokens,
            TokensByModality = new SortedDictionary<string, long>(StringComparer.Ordinal) { ["audio"] = total.AudioTokens, ["image"] = total.ImageTokens, ["text"] = total.TextTokens, ["video"] = total.VideoTokens },
            DocumentLengthHistogram = histogram.ToDictionary(pair => pair.Key.ToString(CultureInfo.InvariantCulture), pair => pair.Value),
            Files = [.. perFile.Select(pair => new ShardFileSummary(pair.Key, pair.Value.Rows, pair.Value.FillRatio))],
            Problems = problems,
            Splits = index.Splits?.ToDictionary(pair => pair.Key, pair => pair.Value.Rows),
            Mixture = index.Mixture,
            Ranks = index.Ranks,
        };
    }

    /// <summary>Row <paramref name="rowNumber"/> (0-based over the whole set) as text: each document between rules,
    /// text decoded, media as <c>&lt;image 448x336&gt;</c> / <c>&lt;audio 2.40s&gt;</c>, loss-free text in ⟦brackets⟧.</summary>
    public static async Task<string?> DecodeRowAsync(IStorage folder, long rowNumber, CancellationToken cancellationToken = default) =>
        (await DecodeRowsAsync(folder, [rowNumber], cancellationToken)).GetValueOrDefault(rowNumber);

    /// <summary>
    /// Several rows decoded (see <see cref="DecodeRowAsync"/>) in one pass: the files are checked against index.json
    /// and read once, however many rows are asked for. Rows beyond the set are absent from the result.
    /// </summary>
    public static async Task<IReadOnlyDictionary<long, string>> DecodeRowsAsync(IStorage folder, IReadOnlyCollection<long> rowNumbers, CancellationToken cancellationToken = default)
    {
        var decoded = new Dictionary<long, string>();
        if (rowNumbers.Count == 0)
        {
            return decoded;
        }

        var index = await ShardReader.ReadIndexAsync(folder, cancellationToken);
        var tokenizer = await TokenizerCatalog.LoadForShardsAsync(folder, index, cancellationToken);
        foreach (var file in index.Files)
        {
            await ShardReader.EnsureMatchesIndexAsync(folder, file, cancellationToken);
        }

        var wanted = rowNumbers.ToHashSet();
        var last = wanted.Max();
        long current = 0;
        await foreach (var (file, row) in ShardReader.ReadRowsAsync(folder, index, cancellationToken))
        {
            var number = current++;
            if (wanted.Contains(number))
            {
                decoded[number] = row.Problem(index.SeqLen, index.Tokenizer.VocabSize) is { } problem
                    ? $"row {number} ({file}) cannot be decoded: {problem}"
                    : Describe(file, number, row, index, tokenizer);
            }

            if (number >= last)
            {
                break;
            }
        }

        return decoded;
    }

    internal static string Describe(string file, long rowNumber, ShardRow row, ShardIndex index, ITextTokenizer tokenizer)
    {
        var text = new StringBuilder();
        var invariant = CultureInfo.InvariantCulture;
        var real = row.CuSeqlens[^1];
        text.AppendLine(invariant, $"row {rowNumber} ({file}): {real} real tokens, {index.SeqLen - real} padding, {row.DocIds.Length} documents");
        var segments = RowSegments.Of(row, index, tokenizer);
        for (var d = 0; d + 1 < row.CuSeqlens.Length; d++)
        {
            var start = row.CuSeqlens[d];
            var end = row.CuSeqlens[d + 1];
            text.AppendLine(invariant, $"──── document {row.DocIds[d]} · tokens {start}..{end - 1} ({end - start}) ────");
            foreach (var segment in segments.Where(segment => segment.Document == d))
            {
                text.Append(segment.Modality switch
                {
                    Modality.Image => string.Create(invariant, $"<image {segment.Width}x{segment.Height}>"),
                    Modality.Audio => string.Create(invariant, $"<audio {segment.Seconds:0.00}s>"),
                    Modality.Video => string.Create(invariant, $"<video {segment.Frames?.Count / 2} patches of {segment.Width}x{segment.Height}{(segment.Media is null ? string.Empty : $", audio {segment.Seconds:0.00}s interleaved")}>"),
                    _ => segment.Loss ? segment.Text : $"⟦{segment.Text}⟧",
                });
            }

            text.AppendLine();
        }

        return text.ToString();
    }

    private static int BucketOf(int length)
    {
        var bucket = 1;
        while (bucket < length)
        {
            bucket <<= 1;
        }

        return bucket;
    }
}
