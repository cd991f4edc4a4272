namespace DataForge.Core.Storage;

/// <summary>
/// A folder-like location (a local directory or an Azure Blob prefix). Paths are relative, '/'-separated.
/// Every write is atomic: readers see the old object or the whole new one, never a part.
/// </summary>
public interface IStorage
{
    /// <summary>The location as the user wrote it, safe to print (never holds credentials).</summary>
    string Uri { get; }

    Task<bool> ExistsAsync(string path, CancellationToken cancellationToken = default);

    /// <summary>Opens an object for reading; the stream is seekable. Throws <see cref="StorageNotFoundException"/>.</summary>
    Task<Stream> OpenReadAsync(string path, CancellationToken cancellationToken = default);

    /// <summary>Starts an atomic write: nothing is visible at <paramref name="path"/> until <see cref="IAtomicWrite.CommitAsync"/>.</summary>
    Task<IAtomicWrite> BeginWriteAsync(string path, CancellationToken cancellationToken = default);

    /// <summary>Every object under <paramref name="prefix"/> (recursive), in ordinal order of path.</summary>
    IAsyncEnumerable<StorageItem> ListAsync(string prefix = "", CancellationToken cancellationToken = default);

    Task DeleteAsync(string path, CancellationToken cancellationToken = default);

    /// <summary>The same backend rooted at a sub-folder.</summary>
    IStorage At(string subPath);
}

/// <summary>A write in progress. Its <see cref="Stream"/> is a seekable, readable local file.</summary>
public interface IAtomicWrite : IAsyncDisposable
{
    Stream Stream { get; }

    /// <summary>Makes the object visible under its final name. Disposing without committing discards it.</summary>
    Task CommitAsync(CancellationToken cancellationToken = default);
}

public sealed record StorageItem(string Path, long Length)
{
    /// <summary>Why the object is listed but must not be opened (a FIFO, a device, a symlink leaving the input); null when readable.</summary>
    public InputRefusal? Refusal { get; init; }
}

/// <summary>A listed input that is not read, with the catalogued reason its reject carries.</summary>
public sealed record InputRefusal(DataForge.Core.Stages.Contract.RejectReason Reason, string Message);

public sealed class StorageNotFoundException(string uri)
    : DataForgeException($"not found: {uri}")
{
    public string MissingUri { get; } = uri;
}
