using DataForge.Core.Hashing;
using DataForge.Core.Storage;

namespace DataForge.Core.Pipeline;

/// <summary>
/// Splits a stage's input files into tasks by size: largest first (ties by path, ordinal), each into the task with the
/// fewest bytes so far (ties to the lowest task), the longest-processing-time rule, so no task holds twice the work of
/// another while one sits empty (hashing paths into buckets did: four files in four tasks gave one task two and another
/// none). Deterministic: the same files and sizes give the same tasks on any machine, so a rerun redoes exactly the
/// unfinished tasks; each task's <see cref="Fingerprint"/> in its report refuses a rerun whose files changed.
/// </summary>
public static class TaskBalancer
{
    /// <returns>for each task its files, in URI order (the order a task reads them)</returns>
    public static List<InputFile>[] Assign(IEnumerable<InputFile> files, int tasks)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(tasks, 1);
        var buckets = Enumerable.Range(0, tasks).Select(_ => new List<InputFile>()).ToArray();
        var load = new PriorityQueue<int, (long Bytes, int Task)>();
        for (var task = 0; task < tasks; task++)
        {
            load.Enqueue(task, (0, task));
        }

        var largestFirst = files
            .OrderByDescending(file => file.Length)
            .ThenBy(file => file.Path, StringComparer.Ordinal)
            .ThenBy(file => file.Uri, StringComparer.Ordinal);
        foreach (var file in largestFirst)
        {
            load.TryDequeue(out var task, out var bytes);
            buckets[task].Add(file);
            load.Enqueue(task, (bytes.Bytes + file.Length, task));
        }

        foreach (var bucket in buckets)
        {
            bucket.Sort((left, right) => string.CompareOrdinal(left.Uri, right.Uri));
        }

        return buckets;
    }

    /// <summary>What a task read: its files' paths and sizes, per stage, hashed (sha256 hex).</summary>
    public static string Fingerprint(IEnumerable<IEnumerable<InputFile>> filesByStage) =>
        Hashes.Sha256Hex(string.Join(
            "\n",
            filesByStage.Select((files, stage) => $"{stage}:" + string.Join("|", files.Select(file => $"{file.Path}\t{file.Length}")))));
}
