using System.Runtime.CompilerServices;
using System.Text.Json;
using DataForge.Core;
using DataForge.Core.Hashing;
using DataForge.Core.Storage;
using Parquet;
using Parquet.Serialization;

namespace DataForge.Packing.Shards;

/// <summary>Reads a packed shard set: its index and its rows, file by file and row group by row group.</summary>
public static class ShardReader
{
    public static async Task<bool> IsShardSetAsync(IStorage folder, CancellationToken cancellationToken = default) =>
        await folder.ExistsAsync(ShardIndex.FileName, cancellationToken);

    public static async Task<ShardIndex> ReadIndexAsync(IStorage folder, CancellationToken cancellationToken = default)
    {
        await using var stream = await folder.OpenReadAsync(ShardIndex.FileName, cancellationToken);
        try
        {
            var index = await JsonSerializer.DeserializeAsync<ShardIndex>(stream, DataForgeJson.Compact, cancellationToken);
            return index is { Format: ShardIndex.FormatName }
                ? index
                : throw new DataForgeException($"{StoragePaths.Join(folder.Uri, ShardIndex.FileName)} is not a {ShardIndex.FormatName} index");
        }
        catch (JsonException e)
        {
            throw new DataForgeException($"{StoragePaths.Join(folder.Uri, ShardIndex.FileName)} is not valid JSON: {e.Message}", e);
        }
    }

    /// <summary>
    /// Whether a shard file is the one index.json describes (its sha256). Checked before a file reaches the Parquet
    /// reader: fuzzing found corrupt footers on which Parquet.Net never returns, and a hang cannot be caught.
    /// </summary>
    public static async Task<bool> MatchesIndexAsync(IStorage folder, ShardFile file, CancellationToken cancellationToken = default)
    {
        await using var stream = await folder.OpenReadAsync(file.Name, cancellationToken);
        return string.Equals(await Hashes.Sha256HexAsync(stream, cancellationToken), file.Sha256, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>The file's own error when it is not the one index.json describes.</summary>
    public static async Task EnsureMatchesIndexAsync(IStorage folder, ShardFile file, CancellationToken cancellationToken = default)
    {
        if (!await MatchesIndexAsync(folder, file, cancellationToken))
        {
            throw new DataForgeException($"{StoragePaths.Join(folder.Uri, file.Name)}: sha256 differs from index.json (a damaged copy, or not the file the index describes)");
        }
    }

    /// <summary>
    /// Every row of every file the index lists, with its file name, in index order. A file the Parquet reader cannot
    /// read (shards from elsewhere, a damaged copy) stops the reading with a DataForgeException that names it.
    /// </summary>
    public static IAsyncEnumerable<(string File, ShardRow Row)> ReadRowsAsync(IStorage folder, ShardIndex index, CancellationToken cancellationToken = default) =>
        ReadRowsAsync(folder, index.Files, null, cancellationToken);

    /// <summary>
    /// The rows of the files named, in order; with <paramref name="columns"/>, only those columns are read (the mixer's
    /// first pass reads cu_seqlens and doc_ids) and the others are left empty.
    /// </summary>
    public static async IAsyncEnumerable<(string File, ShardRow Row)> ReadRowsAsync(IStorage folder, IReadOnlyList<ShardFile> files, IReadOnlySet<string>? columns, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        foreach (var file in files)
        {
            var reader = await ReadGuardedAsync(folder, file.Name, () => ShardFileReader.OpenAsync(folder, file.Name, cancellationToken));
            try
            {
                for (var group = 0; group < reader.GroupCount; group++)
                {
                    var rows = await ReadGuardedAsync(folder, file.Name, () => reader.ReadGroupAsync(group, columns, cancellationToken));
                    foreach (var row in rows)
                    {
                        yield return (file.Name, row);
                    }
                }
            }
            finally
            {
                await reader.DisposeAsync();
            }
        }
    }

    /// <summary>
    /// The longest a shard's metadata or one row group may take to read. Fuzzing found a Parquet footer on which the
    /// Parquet reader never returns; a read on its own thread that passes this limit ends with the file's name instead
    /// of hanging. Generous, for row groups read from remote storage.
    /// </summary>
    public static readonly TimeSpan DefaultReadTimeout = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Runs one read of a shard file through the Parquet reader: its own exceptions for malformed files (fuzzing saw
    /// IOException, InvalidDataException, IndexOutOfRangeException, ArgumentException, OverflowException, …) and a read
    /// that outlasts <paramref name="timeout"/> become one DataForgeException naming the file.
    /// </summary>
    public static async Task<T> ReadGuardedAsync<T>(IStorage folder, string file, Func<Task<T>> read, TimeSpan? timeout = null)
    {
        var limit = timeout ?? DefaultReadTimeout;
        try
        {
            return await Task.Run(read).WaitAsync(limit);
        }
        catch (TimeoutException)
        {
            throw new DataForgeException($"{StoragePaths.Join(folder.Uri, file)}: reading it took over {limit.TotalSeconds:0} s; the file may be damaged or crafted (the Parquet reader does not return on some corrupt footers)");
        }
        catch (Exception e) when (e is not (OperationCanceledException or DataForgeException or StorageNotFoundException))
        {
            throw new DataForgeException($"{StoragePaths.Join(folder.Uri, file)} is not a readable shard: {e.Message}");
        }
    }
}
