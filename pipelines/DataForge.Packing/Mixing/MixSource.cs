using DataForge.Core;
using DataForge.Core.Inspect;
using DataForge.Core.Media;
using DataForge.Core.SampleSets;
using DataForge.Core.Storage;
using DataForge.Packing.Shards;

namespace DataForge.Packing.Mixing;

/// <summary>A mixture source, opened: a sample set (its part files) or a shard set (its training files).</summary>
/// <param name="Number">its place in the mixture file, which breaks ties when the blend picks the next row</param>
/// <param name="Share">weight over the sum of weights</param>
/// <param name="MediaRoot">the folder whose media/ holds what its rows name (a sample set itself; a shard set's own folder or its parent)</param>
public sealed record MixSource(
    int Number,
    MixtureSource Spec,
    double Share,
    IStorage Storage,
    ShardIndex? Index,
    IReadOnlyList<ShardFile> Files,
    IReadOnlyList<string> PartFiles,
    IStorage? MediaRoot)
{
    public const string SampleSetKind = "sample-set";
    public const string ShardSetKind = "shard-set";

    public bool IsShardSet => Index is not null;

    public string Kind => IsShardSet ? ShardSetKind : SampleSetKind;

    public string Label => $"source '{Spec.Name}' ({Storage.Uri})";

    /// <summary>
    /// Opens every source and checks it can join the mixture: it exists and is complete, and a shard set was packed
    /// with the mixture's seq_len, tokenizer and layout (each refusal names both values).
    /// </summary>
    public static async Task<IReadOnlyList<MixSource>> OpenAllAsync(MixOptions options, StorageFactory storage, TokenizerInfo tokenizer, LayoutInfo layout, CancellationToken cancellationToken)
    {
        var weights = options.Sources.Sum(source => source.Weight);
        var opened = new List<MixSource>();
        foreach (var (spec, number) in options.Sources.Select((spec, number) => (spec, number)))
        {
            opened.Add(await OpenAsync(number, spec, spec.Weight / weights, storage, tokenizer, layout, options.SeqLen, cancellationToken));
        }

        return opened;
    }

    private static async Task<MixSource> OpenAsync(int number, MixtureSource spec, double share, StorageFactory storage, TokenizerInfo tokenizer, LayoutInfo layout, int seqLen, CancellationToken cancellationToken)
    {
        var folder = storage.Open(spec.Path);
        var label = $"source '{spec.Name}' ({folder.Uri})";
        bool isShards, isSamples;
        try
        {
            isShards = await ShardReader.IsShardSetAsync(folder, cancellationToken);
            isSamples = !isShards && await SampleSetInspector.IsSampleSetAsync(folder, cancellationToken);
        }
        catch (Exception e) when (e is StorageNotFoundException or DirectoryNotFoundException or FileNotFoundException)
        {
            throw new UsageException($"{label} does not exist");
        }

        if (isShards)
        {
            var index = await ShardReader.ReadIndexAsync(folder, cancellationToken);
            CheckSame(label, "seq_len", index.SeqLen.ToString(System.Globalization.CultureInfo.InvariantCulture), seqLen.ToString(System.Globalization.CultureInfo.InvariantCulture));
            CheckSame(label, "tokenizer", $"{index.Tokenizer.Name} ({index.Tokenizer.Fingerprint[..Math.Min(12, index.Tokenizer.Fingerprint.Length)]})", $"{tokenizer.Name} ({tokenizer.Fingerprint[..Math.Min(12, tokenizer.Fingerprint.Length)]})");
            CheckSame(label, "layout", index.Layout.TokenMeaning(), layout.TokenMeaning());
            var elsewhere = index.Splits?.Where(pair => pair.Key != SplitNames.Training).SelectMany(pair => pair.Value.Files).ToHashSet(StringComparer.Ordinal) ?? [];
            var files = index.Files.Where(file => !elsewhere.Contains(file.Name)).ToList();
            return new MixSource(number, spec, share, folder, index, files, [], await MediaRootAsync(folder, storage, cancellationToken));
        }

        if (!isSamples)
        {
            throw new UsageException($"{label} is neither a sample set (part-*.parquet) nor a shard set (index.json), or does not exist");
        }

        if (!await folder.ExistsAsync(SampleSetFiles.Success, cancellationToken))
        {
            throw new DataForgeException($"{label} is an incomplete sample set (no {SampleSetFiles.Success}); finish its run first");
        }

        var parts = (await SampleSetReader.PartFilesAsync(folder, cancellationToken)).Order(StringComparer.Ordinal).ToList();
        return new MixSource(number, spec, share, folder, null, [], parts, folder);
    }

    private static void CheckSame(string label, string what, string theirs, string ours)
    {
        if (theirs != ours)
        {
            throw new UsageException($"{label} was packed with {what} {theirs}, the mixture's is {ours}: every source of a mixture shares them");
        }
    }

    /// <summary>A shard set's media: in its own folder (dataforge mix) or its parent's (a pipeline's shards/ beside the sample set).</summary>
    private static async Task<IStorage?> MediaRootAsync(IStorage folder, StorageFactory storage, CancellationToken cancellationToken)
    {
        if (await MediaStore.HasMediaAsync(folder, cancellationToken))
        {
            return folder;
        }

        var parent = StoragePaths.Directory(folder.Uri.TrimEnd('/'));
        return parent.Length > 0 && parent != folder.Uri && storage.Open(parent) is var up && await MediaStore.HasMediaAsync(up, cancellationToken) ? up : null;
    }
}
