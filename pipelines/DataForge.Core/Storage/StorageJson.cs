using System.Text.Json;

namespace DataForge.Core.Storage;

/// <summary>The JSON files DataForge keeps in storage (manifests, indexes, task reports): indented, newline-ended, atomic.</summary>
public static class StorageJson
{
    public static async Task WriteAsync<T>(IStorage storage, string path, T value, CancellationToken cancellationToken)
    {
        await using var write = await storage.BeginWriteAsync(path, cancellationToken);
        await JsonSerializer.SerializeAsync(write.Stream, value, DataForgeJson.Indented, cancellationToken);
        await write.Stream.WriteAsync("\n"u8.ToArray(), cancellationToken);
        await write.CommitAsync(cancellationToken);
    }

    /// <summary>One such file read back; a file that is not JSON of that shape names itself and <paramref name="what"/> it should be.</summary>
    public static async Task<T> ReadAsync<T>(IStorage storage, string path, string what, CancellationToken cancellationToken)
    {
        await using var stream = await storage.OpenReadAsync(path, cancellationToken);
        try
        {
            return await JsonSerializer.DeserializeAsync<T>(stream, DataForgeJson.Compact, cancellationToken)
                ?? throw new DataForgeException($"{StoragePaths.Join(storage.Uri, path)} is not {what}: it holds null");
        }
        catch (JsonException e)
        {
            throw new DataForgeException($"{StoragePaths.Join(storage.Uri, path)} is not {what}: {e.Message}", e);
        }
    }
}
