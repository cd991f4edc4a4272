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
}
