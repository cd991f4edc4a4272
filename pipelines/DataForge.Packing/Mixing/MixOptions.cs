using System.Text.RegularExpressions;
using DataForge.Core.Stages.Contract;
using DataForge.Packing.Layout;

namespace DataForge.Packing.Mixing;

/// <summary>One named source of a mixture (schemas/mixture.md): a sample set or a shard set and its weight.</summary>
public sealed record MixtureSource
{
    /// <summary>Names the source in index.json, metrics and reports.</summary>
    public string Name { get; init; } = string.Empty;

    /// <summary>A sample set (packed here with the mixture's layout) or a shard set (its rows taken whole), local or az://.</summary>
    public string Path { get; init; } = string.Empty;

    /// <summary>Relative weight; the target share is weight / sum of weights.</summary>
    public double Weight { get; init; }

    /// <summary>How many passes over the source its share may take: above 1 repeats documents whole, below 1 caps a subsample.</summary>
    public double MaxEpochs { get; init; } = 1;
}

/// <summary>
/// A mixture (schemas/mixture.md): weighted sources blended into one packed shard set. The same keys are the mix
/// stage's options in a pipeline and the top-level keys of a mixture file (<c>dataforge mix MIXTURE.yaml</c>).
/// </summary>
public sealed partial record MixOptions : IWholeRunSourceOptions
{
    [Option("Tokens per row (L); a shard-set source must have the same.")]
    public int SeqLen { get; init; } = 4096;

    [Option("cl100k_base, o200k_base, or a Hugging Face tokenizer.json (relative to the file); a shard-set source must have the same.")]
    public string Tokenizer { get; init; } = "cl100k_base";

    [Option("What the weights share out: tokens (real tokens in rows) or samples (documents).")]
    public string Weights { get; init; } = "tokens";

    [Option("Real tokens in the mixture; with neither total, the most the sources give at these shares within their max_epochs.")]
    public long? TotalTokens { get; init; }

    [Option("Rows in the mixture (quotas as if rows were full; the blend stops at this many rows).")]
    public long? TotalRows { get; init; }

    [Option("Seeds which documents a subsample takes.")]
    public long Seed { get; init; }

    [Option("The sources: each {name, path, weight, max_epochs (default 1)}; paths relative to the file that names them.")]
    public IReadOnlyList<MixtureSource> Sources { get; init; } = [];

    [Option("Pack options for sample-set sources other than seq_len and tokenizer (chat_template, loss, packing_window, image_max_pixels, …).")]
    public PackOptions? Pack { get; init; }

    [Option("Make the row count divisible by this many training ranks, dropping at most ranks − 1 rows (the last ones), reported in index.json.")]
    public int Ranks { get; init; } = 1;

    [Option("Output folder for the shards, relative to the run's output.")]
    public string Path { get; init; } = string.Empty;

    /// <summary>Rows of the windows whose shares index.json reports the worst error of (issue 20: every 1 000 rows).</summary>
    public const int WindowRows = 1000;

    /// <summary>The pack options sample-set sources are laid out with, and that shard-set sources must match.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public PackOptions Layout => (Pack ?? new PackOptions()) with { SeqLen = SeqLen, Tokenizer = Tokenizer, Path = Path };

    [System.Text.Json.Serialization.JsonIgnore]
    public bool BySamples => Weights == "samples";

    public IEnumerable<string> Validate()
    {
        if (Weights is not ("tokens" or "samples"))
        {
            yield return $"weights must be tokens or samples, not '{Weights}'";
        }

        if (TotalTokens is not null && TotalRows is not null)
        {
            yield return "give total_tokens or total_rows, not both";
        }

        if (TotalTokens <= 0 || TotalRows <= 0)
        {
            yield return "total_tokens and total_rows must be positive";
        }

        if (Ranks is < 1 or > 65_536)
        {
            yield return $"ranks must be 1..65536, not {Ranks}";
        }

        if (Pack is { } pack && (pack.SeqLen != new PackOptions().SeqLen || pack.Tokenizer != new PackOptions().Tokenizer || pack.Path.Length > 0 || pack.Ranks != 1))
        {
            yield return "seq_len, tokenizer, ranks and path belong at the mixture's top level, not under pack";
        }

        foreach (var problem in Layout.Validate())
        {
            yield return problem;
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var source in Sources)
        {
            var label = source.Name.Length == 0 ? $"source {source.Path}" : $"source '{source.Name}'";
            if (!SourceName().IsMatch(source.Name))
            {
                yield return $"{label}: a name is 1-64 letters, digits, '_' or '-'";
            }
            else if (!names.Add(source.Name))
            {
                yield return $"{label} is named twice";
            }

            if (source.Path.Length == 0)
            {
                yield return $"{label}: path is missing";
            }

            if (!(source.Weight > 0) || double.IsInfinity(source.Weight))
            {
                yield return $"{label}: weight must be a positive number, not {source.Weight}";
            }

            if (!(source.MaxEpochs > 0) || double.IsInfinity(source.MaxEpochs))
            {
                yield return $"{label}: max_epochs must be a positive number, not {source.MaxEpochs}";
            }
        }
    }

    [GeneratedRegex("^[A-Za-z0-9_-]{1,64}$")]
    private static partial Regex SourceName();
}
