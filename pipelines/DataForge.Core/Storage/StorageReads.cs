namespace DataForge.Core.Storage;

/// <summary>Whole-object reads for small objects (an image, a mask, a page) that are decoded from memory.</summary>
public static class StorageReads
{
    /// <summary>
    /// The default cap on one object read whole (256 MiB): with its decoded form (an image of max_pixels at 4 bytes a
    /// pixel is 716 MB) it keeps a record under the 1 GB that DESIGN.md promises per record.
    /// </summary>
    public const long DefaultMaxFileBytes = 256L << 20;

    public static Task<byte[]> ReadAllBytesAsync(this IStorage storage, string path, CancellationToken cancellationToken = default) =>
        storage.ReadAllBytesAsync(path, DefaultMaxFileBytes, cancellationToken);

    /// <summary>Reads the object whole; throws <see cref="InputTooLargeException"/> (before reading, where the size is known) when it is over <paramref name="maxBytes"/>.</summary>
    public static async Task<byte[]> ReadAllBytesAsync(this IStorage storage, string path, long maxBytes, CancellationToken cancellationToken = default)
    {
        await using var stream = await storage.OpenReadAsync(path, cancellationToken);
        if (stream.CanSeek && stream.Length > maxBytes)
        {
            throw new InputTooLargeException(StoragePaths.Join(storage.Uri, path), stream.Length, maxBytes);
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[1 << 16];
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > maxBytes)
            {
                throw new InputTooLargeException(StoragePaths.Join(storage.Uri, path), buffer.Length + read, maxBytes);
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }
}

/// <summary>An object too large to hold in memory whole; a stage turns it into an input.too_large reject.</summary>
public sealed class InputTooLargeException(string uri, long bytes, long maxBytes)
    : DataForgeException($"{uri} holds {bytes:N0} bytes or more, over the {maxBytes:N0} a stage reads whole")
{
}
