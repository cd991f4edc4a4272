using DataForge.Core.Hashing;

namespace DataForge.Core.Storage;

/// <summary>Publishing a written file with the size and sha256 that manifests and index.json record for it.</summary>
public static class AtomicWriteHashing
{
    /// <summary>
    /// Flushes the write, hashes what it holds (reading it back from the start), commits it and returns its size and
    /// sha256: the numbers a reader later checks the file against.
    /// </summary>
    public static async Task<(long Bytes, string Sha256)> CommitHashedAsync(this IAtomicWrite write, CancellationToken cancellationToken = default)
    {
        var stream = write.Stream;
        await stream.FlushAsync(cancellationToken);
        var bytes = stream.Length;
        stream.Position = 0;
        var sha256 = await Hashes.Sha256HexAsync(stream, cancellationToken);
        stream.Position = bytes;
        await write.CommitAsync(cancellationToken);
        return (bytes, sha256);
    }
}
