namespace DataForge.Core.Storage;

/// <summary>Whole-object reads for small objects (an image, a mask) that are decoded from memory.</summary>
public static class StorageReads
{
    public static async Task<byte[]> ReadAllBytesAsync(this IStorage storage, string path, CancellationToken cancellationToken = default)
    {
        await using var stream = await storage.OpenReadAsync(path, cancellationToken);
        using var buffer = new MemoryStream();
        await stream.CopyToAsync(buffer, cancellationToken);
        return buffer.ToArray();
    }
}
