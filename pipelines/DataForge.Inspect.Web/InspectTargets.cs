using DataForge.Core;
using DataForge.Core.Inspect;
using DataForge.Core.Media;
using DataForge.Core.Storage;
using DataForge.Packing.Shards;
using DataForge.Training.Inspect;

namespace DataForge.Inspect.Web;

/// <summary>
/// Finds what PATH holds: PATH itself when it is a sample set, shard set or run, and every such folder below it to
/// <see cref="MaxDepth"/> levels (a pipeline's output holds its shards/; a folder of experiments holds several), in
/// path order. Media and checkpoint folders are not searched.
/// </summary>
public static class InspectTargets
{
    public const int MaxDepth = 3;

    /// <summary>Objects listed at most: a PATH holding more is not a folder of a few sets, and is refused rather than walked for hours.</summary>
    public const int MaxListed = 500_000;

    private static readonly string[] Markers = ["run.json", "index.json", "_manifest.json"];

    /// <param name="above">the folder PATH is in, when known: a shards/ folder given alone takes its sample set's rejects and media</param>
    public static async Task<IReadOnlyList<InspectTarget>> FindAsync(IStorage root, IStorage? above, CancellationToken cancellationToken)
    {
        var folders = new SortedSet<string>(StringComparer.Ordinal) { string.Empty };
        var listed = 0;
        await foreach (var item in root.ListAsync(string.Empty, cancellationToken))
        {
            if (++listed > MaxListed)
            {
                throw new DataForgeException($"{root.Uri} holds more than {MaxListed:N0} objects: give inspect a sample set, shard set or run, or a folder holding a few");
            }

            var segments = item.Path.Split('/');
            if (segments.Length - 1 > MaxDepth || segments.Any(segment => segment is MediaStore.Folder or "checkpoints" or "rejects" or "_tasks"))
            {
                continue;
            }

            var name = segments[^1];
            if (Markers.Contains(name) || (name.StartsWith("part-", StringComparison.Ordinal) && name.EndsWith(".parquet", StringComparison.Ordinal)))
            {
                folders.Add(string.Join('/', segments[..^1]));
            }
        }

        var found = new List<(string Path, TargetKind Kind, IStorage Storage)>();
        foreach (var folder in folders)
        {
            var storage = folder.Length == 0 ? root : root.At(folder);
            TargetKind? kind = await RunSummary.IsRunAsync(storage, cancellationToken) ? TargetKind.Run
                : await ShardReader.IsShardSetAsync(storage, cancellationToken) ? TargetKind.Shards
                : await SampleSetInspector.IsSampleSetAsync(storage, cancellationToken) ? TargetKind.SampleSet
                : null;
            if (kind is { } known)
            {
                found.Add((folder.Length == 0 ? "." : folder, known, storage));
            }
        }

        var targets = new List<InspectTarget>();
        foreach (var (path, kind, storage) in found)
        {
            // A pipeline's shards/ sit inside the sample set they were packed from: its rejects and media are theirs.
            var parent = found.Where(other => other.Kind == TargetKind.SampleSet && IsParent(other.Path, path)).OrderByDescending(other => other.Path.Length).FirstOrDefault();
            if (parent.Storage is null && path == "." && kind != TargetKind.SampleSet && above is not null && await SampleSetInspector.IsSampleSetAsync(above, cancellationToken))
            {
                parent = ("..", TargetKind.SampleSet, above);
            }

            var rejects = kind == TargetKind.SampleSet ? storage : parent.Storage;
            var media = await MediaStore.HasMediaAsync(storage, cancellationToken) ? storage : parent.Storage;
            targets.Add(new InspectTarget(targets.Count, kind, path, storage, rejects, media));
        }

        return targets;
    }

    private static bool IsParent(string parent, string child) =>
        parent != child && (parent == "." ? child != "." : child.StartsWith(parent + "/", StringComparison.Ordinal));
}
