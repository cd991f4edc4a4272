using DataForge.Core.Model;
using DataForge.Core.SampleSets;
using DataForge.Core.Stages.Contract;
using DataForge.Packing.Layout;
using DataForge.Packing.Shards;
using DataForge.Packing.Tokenization;

namespace DataForge.Packing.Mixing;

/// <summary>
/// The mixer's first pass over a source: the size of each unit it can give (a sample of a sample set, a row of a shard
/// set), in tokens and documents, in the source's order. A unit of size 0 is never taken: a sample the layout rejects
/// (rejected here, once) or one of another split than train (mixtures blend training data; counted as left out).
/// </summary>
public sealed record SourceUnits(int[] Tokens, int[] Documents, long LeftOutOtherSplits)
{
    public long TotalTokens => Tokens.Sum(count => (long)count);

    public long TotalDocuments => Documents.Sum(count => (long)count);

    /// <summary>A unit's size in the weights' unit.</summary>
    public int SizeOf(int unit, bool bySamples) => bySamples ? Documents[unit] : Tokens[unit];

    public long Total(bool bySamples) => bySamples ? TotalDocuments : TotalTokens;

    public static async Task<SourceUnits> MeasureAsync(MixSource source, DocumentLayout layout, ITextTokenizer tokenizer, StageRun run)
    {
        var tokens = new List<int>();
        var documents = new List<int>();
        long leftOut = 0;
        var cancellationToken = run.CancellationToken;
        if (source.IsShardSet)
        {
            foreach (var file in source.Files)
            {
                await ShardReader.EnsureMatchesIndexAsync(source.Storage, file, cancellationToken);
            }

            await foreach (var (_, row) in ShardReader.ReadRowsAsync(source.Storage, source.Files, SizeColumns, cancellationToken))
            {
                tokens.Add(row.CuSeqlens.Length == 0 ? 0 : row.CuSeqlens[^1]);
                documents.Add(row.DocIds.Length);
            }

            return new SourceUnits([.. tokens], [.. documents], 0);
        }

        await foreach (var (sample, result) in ParallelLayout.LayOutAsync(SamplesAsync(source, cancellationToken).Select((sample, order) => (sample, (long)order)), layout, tokenizer, run.Context.Workers, cancellationToken))
        {
            if (!IsTraining(sample))
            {
                leftOut++;
                tokens.Add(0);
                documents.Add(0);
            }
            else if (result.RejectReason is { } reason)
            {
                await run.RejectAsync(new Rejection($"{source.Spec.Name}:{sample.Id}", reason, result.RejectMessage ?? reason));
                tokens.Add(0);
                documents.Add(0);
            }
            else
            {
                tokens.Add(result.Documents.Sum(document => document.Length));
                documents.Add(result.Documents.Count);
            }
        }

        return new SourceUnits([.. tokens], [.. documents], leftOut);
    }

    /// <summary>Samples of the train split or of none; the others (dev, test) are never blended into training rows.</summary>
    public static bool IsTraining(Sample sample) => sample.Split is null || sample.Split == SplitNames.Training;

    /// <summary>A sample set's samples, part file by part file, in the order both passes see them.</summary>
    public static async IAsyncEnumerable<Sample> SamplesAsync(MixSource source, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        foreach (var part in source.PartFiles)
        {
            await foreach (var sample in SampleSetReader.ReadFileAsync(source.Storage, part, cancellationToken))
            {
                yield return sample;
            }
        }
    }

    /// <summary>The two columns of a packed row the first pass needs (only these are read).</summary>
    private static readonly IReadOnlySet<string> SizeColumns = new HashSet<string>(["cu_seqlens", "doc_ids"], StringComparer.Ordinal);
}
