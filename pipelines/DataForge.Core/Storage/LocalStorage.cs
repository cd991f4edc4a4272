using System.Runtime.CompilerServices;

namespace DataForge.Core.Storage;

/// <summary>A local directory. Atomic writes go to a hidden temp file beside the target, then rename over it.</summary>
public sealed class LocalStorage : IStorage
{
    private readonly string _root;

    /// <param name="root">The directory (need not exist yet).</param>
    /// <param name="displayUri">How the user wrote it; used in sample sources and messages.</param>
    public LocalStorage(string root, string? displayUri = null)
    {
        _root = Path.GetFullPath(root);
        Uri = displayUri ?? root;
    }

    public string Uri { get; }

    public string RootDirectory => _root;

    public Task<bool> ExistsAsync(string path, CancellationToken cancellationToken = default) =>
        Task.FromResult(File.Exists(FullPath(path)));

    public Task<Stream> OpenReadAsync(string path, CancellationToken cancellationToken = default)
    {
        var full = FullPath(path);
        if (!File.Exists(full))
        {
            throw new StorageNotFoundException(StoragePaths.Join(Uri, path));
        }

        Stream stream = new FileStream(full, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true);
        return Task.FromResult(stream);
    }

    public Task<IAtomicWrite> BeginWriteAsync(string path, CancellationToken cancellationToken = default)
    {
        var full = FullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        // The temp name lives in the target's directory so the final rename never crosses file systems.
        var temp = Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        IAtomicWrite write = new LocalAtomicWrite(temp, full);
        return Task.FromResult(write);
    }

    public async IAsyncEnumerable<StorageItem> ListAsync(string prefix = "", [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var normalized = StoragePaths.Normalize(prefix);
        var start = normalized.Length == 0 ? _root : Path.Combine(_root, normalized);
        if (File.Exists(start))
        {
            yield return new StorageItem(normalized, new FileInfo(start).Length);
            yield break;
        }

        if (!Directory.Exists(start))
        {
            yield break;
        }

        var items = Directory.EnumerateFiles(start, "*", SearchOption.AllDirectories)
            .Where(file => !IsAbandonedTemp(Path.GetFileName(file)))
            .Select(file => new StorageItem(Path.GetRelativePath(_root, file).Replace('\\', '/'), new FileInfo(file).Length))
            .OrderBy(item => item.Path, StringComparer.Ordinal);
        foreach (var item in items)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return item;
        }

        await Task.CompletedTask;
    }

    public Task DeleteAsync(string path, CancellationToken cancellationToken = default)
    {
        File.Delete(FullPath(path));
        return Task.CompletedTask;
    }

    public IStorage At(string subPath) =>
        new LocalStorage(Path.Combine(_root, StoragePaths.Normalize(subPath)), StoragePaths.Join(Uri, StoragePaths.Normalize(subPath)));

    /// <summary>Temp files of writes that a crash interrupted; they are never part of the output.</summary>
    private static bool IsAbandonedTemp(string fileName) =>
        fileName.StartsWith('.') && fileName.EndsWith(".tmp", StringComparison.Ordinal);

    private string FullPath(string path)
    {
        var normalized = StoragePaths.Normalize(path);
        return normalized.Length == 0 ? _root : Path.Combine(_root, normalized);
    }

    private sealed class LocalAtomicWrite(string temp, string target) : IAtomicWrite
    {
        private readonly FileStream _stream = new(temp, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16);
        private bool _committed;

        public Stream Stream => _stream;

        public async Task CommitAsync(CancellationToken cancellationToken = default)
        {
            await _stream.FlushAsync(cancellationToken);
            _stream.Flush(flushToDisk: true);
            await _stream.DisposeAsync();
            File.Move(temp, target, overwrite: true);
            _committed = true;
        }

        public async ValueTask DisposeAsync()
        {
            await _stream.DisposeAsync();
            if (!_committed)
            {
                File.Delete(temp);
            }
        }
    }
}
