using System.Globalization;
using DataForge.Core;
using DataForge.Core.Pipeline;
using DataForge.Core.Storage;
using DataForge.Packing.Mixing;
using DataForge.Packing.Shards;
using DataForge.Training.Setup;
using DataForge.Training.Training;

namespace DataForge.Cli.Commands;

/// <summary>What <c>train</c> trains on: one shard set (<c>--shards</c>), a blend in Megatron's order (<c>--data 0.45 A 0.45 B</c>) or a mixture file's shard sets (<c>--mixture</c>).</summary>
public static class TrainingData
{
    /// <summary>torchrun's and Slurm's world size, when a launcher set one.</summary>
    public static int WorldSize(Func<string, string?> environment)
    {
        var text = environment("WORLD_SIZE");
        if (text is null)
        {
            return 1;
        }

        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var size) && size >= 1
            ? size
            : throw new UsageException($"WORLD_SIZE={text}: a world size is a positive integer");
    }

    public static async Task<IReadOnlyList<TrainingSet>> ResolveAsync(
        StorageFactory factory, string? shards, string[]? data, FileInfo? mixture, string? media, bool noMedia, Func<string, string?> environment, CancellationToken cancellationToken)
    {
        if (media is not null && noMedia)
        {
            throw new UsageException("--media and --no-media contradict each other: give one");
        }

        var sets = await ResolveSetsAsync(factory, shards, data, mixture, media, noMedia, environment, cancellationToken);
        if (!noMedia)
        {
            foreach (var set in sets.Where(set => set.Media is null))
            {
                // Shards with images or audio and no media store found: training would quietly use placeholders only.
                var index = await ShardReader.ReadIndexAsync(set.Shards, cancellationToken);
                var mediaTokens = index.TokensByModality.Where(pair => pair.Key is "image" or "audio" or "video" && pair.Value > 0).ToList();
                if (mediaTokens.Count > 0)
                {
                    throw new DataForgeException(
                        $"{set.Shards.Uri} holds {string.Join(" and ", mediaTokens.Select(pair => $"{pair.Value} {pair.Key} tokens"))}, but no media/ was found beside it or in its parent folder: pass --media SAMPLE_SET (the set the shards were packed from), or --no-media to train the placeholders as plain tokens");
                }
            }
        }

        return sets;
    }

    private static async Task<IReadOnlyList<TrainingSet>> ResolveSetsAsync(
        StorageFactory factory, string? shards, string[]? data, FileInfo? mixture, string? media, bool noMedia, Func<string, string?> environment, CancellationToken cancellationToken)
    {
        var given = (shards is not null ? 1 : 0) + (data is { Length: > 0 } ? 1 : 0) + (mixture is not null ? 1 : 0);
        if (given != 1)
        {
            throw new UsageException("give the data once: --shards DIR, --data WEIGHT DIR …, or --mixture FILE");
        }

        if (shards is not null)
        {
            return [new TrainingSet(string.Empty, factory.Open(shards), 1, noMedia ? null : await TrainingSetup.MediaSetAsync(factory, shards, media, cancellationToken))];
        }

        if (media is not null)
        {
            throw new UsageException("--media names one sample set; a blend takes each set's media from beside its shards (or pass --no-media)");
        }

        var named = new List<(string Name, string Path, double Weight, StorageFactory Storage)>();
        if (data is { Length: > 0 })
        {
            if (data.Length % 2 != 0)
            {
                throw new UsageException($"--data takes pairs WEIGHT DIR (Megatron's --data-path order); {data.Length} values were given");
            }

            for (var i = 0; i < data.Length; i += 2)
            {
                if (!double.TryParse(data[i], NumberStyles.Float, CultureInfo.InvariantCulture, out var weight) || !(weight > 0) || double.IsInfinity(weight))
                {
                    throw new UsageException($"--data: '{data[i]}' is not a positive weight (pairs are WEIGHT DIR)");
                }

                // A set is named by its folder; a pipeline's shards/ by the run it sits in (out/demo/shards: demo).
                var path = data[i + 1].Replace('\\', '/').TrimEnd('/');
                var name = StoragePaths.FileName(path) is "shards" && StoragePaths.FileName(StoragePaths.Directory(path)) is { Length: > 0 } run ? run : StoragePaths.FileName(path);
                named.Add((named.Any(n => n.Name == name) ? $"{name}-{(i / 2) + 1}" : name, data[i + 1], weight, factory));
            }
        }
        else
        {
            if (!mixture!.Exists)
            {
                throw new UsageException($"mixture file not found: {mixture}");
            }

            var options = ((DataForge.Core.Stages.Contract.StageDefinition<MixOptions>)MixStage.Definition).Bind(
                PipelineFile.ParseOptions(await File.ReadAllTextAsync(mixture.FullName, cancellationToken), mixture.ToString()), mixture.ToString());
            if (options.BySamples)
            {
                throw new UsageException($"{mixture}: train blends by tokens; weights: samples is for dataforge mix");
            }

            var relative = factory.RelativeTo(mixture.DirectoryName!);
            foreach (var source in options.Sources)
            {
                var folder = relative.Open(source.Path);
                if (!await ShardReader.IsShardSetAsync(folder, cancellationToken))
                {
                    throw new UsageException($"{mixture}: source '{source.Name}' ({folder.Uri}) is not a shard set; train reads packed shards: run dataforge mix {mixture} --out DIR and train on DIR");
                }

                var index = await ShardReader.ReadIndexAsync(folder, cancellationToken);
                if (index.SeqLen != options.SeqLen)
                {
                    throw new UsageException($"{mixture}: source '{source.Name}' has seq_len {index.SeqLen}, the mixture's is {options.SeqLen}");
                }

                named.Add((source.Name, source.Path, source.Weight, relative));
            }
        }

        var sets = new List<TrainingSet>();
        foreach (var (name, path, weight, storage) in named)
        {
            var folder = storage.Open(path);
            if (!await ShardReader.IsShardSetAsync(folder, cancellationToken))
            {
                throw new UsageException($"--data: {folder.Uri} is not a shard set (no index.json)");
            }

            sets.Add(new TrainingSet(name, folder, weight, noMedia ? null : await TrainingSetup.MediaSetAsync(storage, folder.Uri, null, cancellationToken)));
        }

        return sets;
    }
}
