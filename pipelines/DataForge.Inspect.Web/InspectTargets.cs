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

    private static readonly string[] Markers = ["run.json", "index.json", "_manifest.json"];

    public static async Task<IReadOnlyList<InspectTarget>> FindAsync(IStorage root, CancellationToken cancellationToken)
    {
        var folders = new SortedSet<string>(StringComparer.Ordinal) { string.Empty };
        await foreach (var item in root.ListAsync(string.Empty, cancellationToken))
        {
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
            var rejects = kind == TargetKind.SampleSet ? storage : parent.Storage;
            var media = await MediaStore.HasMediaAsync(storage, cancellationToken) ? storage : parent.Storage;
            targets.Add(new InspectTarget(targets.Count, kind, path, storage, rejects, media));
        }

        return targets;
    }

    private static bool IsParent(string parent, string child) =>
        parent != child && (parent == "." ? child != "." : child.StartsWith(parent + "/", StringComparison.Ordinal));
}
