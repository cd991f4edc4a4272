using System.Runtime.CompilerServices;
using DataForge.Core;
using DataForge.Core.Model;
using DataForge.Core.Storage;
using DataForge.Packing.Layout;
using DataForge.Packing.Packing;
using DataForge.Packing.Shards;
using DataForge.Packing.Tokenization;

namespace DataForge.Packing.Mixing;

/// <summary>A row of the mixture, with its source and what it holds of it.</summary>
/// <param name="RepeatDocuments">documents of the row that come from a pass after the first over the source</param>
public sealed record MixRow(int Source, ShardRow Row, long Tokens, long Documents, long RepeatDocuments)
{
    public long SizeIn(bool bySamples) => bySamples ? Documents : Tokens;
}

/// <summary>
/// The mixer's second pass over one source: the units its plan takes, as rows. A sample set's samples are laid out
/// (in parallel, in order) and packed best-fit-decreasing by a packer of its own, so every row is source-pure and holds
/// whole documents; a shard set's rows are taken whole, unchanged.
/// </summary>
public static class SourceRows
{
    public static IAsyncEnumerable<MixRow> ReadAsync(MixSource source, SourcePlan plan, SourceUnits units, PackOptions pack, DocumentLayout layout, ITextTokenizer tokenizer, int workers, CancellationToken cancellationToken) =>
        source.IsShardSet
            ? ShardSetRowsAsync(source, plan, units, pack.SeqLen, tokenizer.VocabSize, cancellationToken)
            : SampleSetRowsAsync(source, plan, units, pack, layout, tokenizer, workers, cancellationToken);

    private static async IAsyncEnumerable<MixRow> ShardSetRowsAsync(MixSource source, SourcePlan plan, SourceUnits units, int seqLen, int vocabSize, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        for (var epoch = 0; epoch < plan.Passes; epoch++)
        {
            var unit = 0;
            await foreach (var (file, row) in ShardReader.ReadRowsAsync(source.Storage, source.Files, null, cancellationToken))
            {
                var at = unit++;
                if (at >= units.Tokens.Length)
                {
                    throw new DataForgeException($"{source.Label}: {file} changed while the mixture read it (more rows than the first pass counted)");
                }

                if (units.Tokens[at] == 0 || !plan.Takes(epoch, at))
                {
                    continue;
                }

                if (row.Problem(seqLen, vocabSize) is { } problem)
                {
                    throw new DataForgeException($"{StoragePaths.Join(source.Storage.Uri, file)}: a row cannot be mixed: {problem}");
                }

                yield return new MixRow(source.Number, row, units.Tokens[at], units.Documents[at], epoch > 0 ? units.Documents[at] : 0);
            }
        }
    }

    private static async IAsyncEnumerable<MixRow> SampleSetRowsAsync(MixSource source, SourcePlan plan, SourceUnits units, PackOptions pack, DocumentLayout layout, ITextTokenizer tokenizer, int workers, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var repeats = new RepeatBoundary();
        var packer = new BestFitPacker(pack.SeqLen, pack.PackingWindow);
        var padId = tokenizer.EndOfDocumentId;
        await foreach (var (_, result) in ParallelLayout.LayOutAsync(SelectedAsync(source, plan, units, repeats, cancellationToken), layout, tokenizer, workers, cancellationToken))
        {
            if (result.RejectReason is not null)
            {
                continue; // rejected (and written to rejects/) by the first pass, which gave it size 0; never selected
            }

            foreach (var document in result.Documents)
            {
                foreach (var row in packer.Add(document))
                {
                    yield return Row(source.Number, row, pack.SeqLen, padId, repeats.From);
                }
            }
        }

        foreach (var row in packer.Flush())
        {
            yield return Row(source.Number, row, pack.SeqLen, padId, repeats.From);
        }
    }

    private static MixRow Row(int source, PackedRow row, int seqLen, int padId, long repeatFrom) => new(
        source,
        RowAssembler.Assemble(row, seqLen, padId),
        row.Tokens,
        row.Documents.Count,
        row.Documents.Count(document => document.Order >= repeatFrom));

    /// <summary>The samples the plan takes, pass after pass, each with its place in the source's stream (its packing order).</summary>
    private static async IAsyncEnumerable<(Sample Sample, long Order)> SelectedAsync(MixSource source, SourcePlan plan, SourceUnits units, RepeatBoundary repeats, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        long order = 0;
        for (var epoch = 0; epoch < plan.Passes; epoch++)
        {
            if (epoch == 1)
            {
                repeats.From = order;
            }

            var unit = 0;
            await foreach (var sample in SourceUnits.SamplesAsync(source, cancellationToken))
            {
                var at = unit++;
                if (at >= units.Tokens.Length)
                {
                    throw new DataForgeException($"{source.Label} changed while the mixture read it (more samples than the first pass counted)");
                }

                if (units.Tokens[at] > 0 && plan.Takes(epoch, at))
                {
                    yield return (sample, order++);
                }
            }
        }
    }

    /// <summary>The first packing order of the second pass: documents from there on are repeats. Set before any of them is laid out.</summary>
    private sealed class RepeatBoundary
    {
        private long _from = long.MaxValue;

        public long From
        {
            get => Volatile.Read(ref _from);
            set => Volatile.Write(ref _from, value);
        }
    }
}
