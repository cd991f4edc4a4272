using System.Runtime.CompilerServices;
using DataForge.Core.Rejects;

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

        // Never open what is not a regular file: a FIFO blocks the open until a writer comes, a device never ends.
        var kind = EntryKinds.OfTarget(full);
        if (kind != EntryKind.Regular)
        {
            throw new DataForgeException($"{StoragePaths.Join(Uri, path)} is {EntryKinds.Describe(kind)}, not a file to read");
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

    /// <summary>
    /// Walks the folder itself instead of trusting <see cref="Directory.EnumerateFiles(string)"/>, which follows
    /// symlinked folders (a loop lists every file once per lap) and lists FIFOs and devices as files. Those, dangling
    /// symlinks, symlinks leading out of the folder and names holding a backslash are listed with a
    /// <see cref="StorageItem.Refusal"/> (a reject for the stage) and never opened.
    /// </summary>
    public async IAsyncEnumerable<StorageItem> ListAsync(string prefix = "", [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var normalized = StoragePaths.Normalize(prefix);
        var start = normalized.Length == 0 ? _root : Path.Combine(_root, normalized);
        if (File.Exists(start))
        {
            // A file named on its own: the user chose it, so a symlink to it is followed wherever it leads.
            var kind = EntryKinds.OfTarget(start);
            yield return kind == EntryKind.Regular
                ? new StorageItem(normalized, new FileInfo(start).Length)
                : new StorageItem(normalized, 0) { Refusal = new InputRefusal(CoreRejectReasons.InputNotARegularFile, $"{StoragePaths.Join(Uri, normalized)} is {EntryKinds.Describe(kind)}") };
            yield break;
        }

        if (!Directory.Exists(start))
        {
            yield break;
        }

        var items = new List<StorageItem>();
        var folders = new Stack<string>();
        folders.Push(start);
        while (folders.TryPop(out var folder))
        {
            cancellationToken.ThrowIfCancellationRequested();
            foreach (var entry in Directory.EnumerateFileSystemEntries(folder))
            {
                var name = Path.GetFileName(entry);
                if (IsAbandonedTemp(name))
                {
                    continue;
                }

                var relative = Path.GetRelativePath(_root, entry);
                if (name.Contains('\\', StringComparison.Ordinal))
                {
                    items.Add(Refused(relative.Replace('\\', '/'), CoreRejectReasons.InputUnsupportedName, $"'{relative}' holds a backslash, which storage paths read as a folder separator"));
                    continue;
                }

                relative = relative.Replace('\\', '/');
                switch (EntryKinds.OfLink(entry))
                {
                    case EntryKind.Directory:
                        folders.Push(entry);
                        break;
                    case EntryKind.Regular:
                        items.Add(new StorageItem(relative, new FileInfo(entry).Length));
                        break;
                    case EntryKind.Symlink:
                        items.Add(Linked(entry, relative));
                        break;
                    case var kind:
                        items.Add(Refused(relative, CoreRejectReasons.InputNotARegularFile, $"{StoragePaths.Join(Uri, relative)} is {EntryKinds.Describe(kind)}"));
                        break;
                }
            }
        }

        items.Sort((left, right) => string.CompareOrdinal(left.Path, right.Path));
        foreach (var item in items)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return item;
        }

        await Task.CompletedTask;
    }

    /// <summary>A symlink inside the folder: read when it leads to a regular file inside the folder, else refused.</summary>
    private StorageItem Linked(string entry, string relative)
    {
        var shown = StoragePaths.Join(Uri, relative);
        string? target;
        try
        {
            target = File.ResolveLinkTarget(entry, returnFinalTarget: true)?.FullName;
        }
        catch (IOException e)
        {
            return Refused(relative, CoreRejectReasons.InputNotARegularFile, $"{shown} is a symlink that cannot be resolved ({e.Message})");
        }

        var kind = EntryKinds.OfTarget(entry);
        if (target is null || kind == EntryKind.Missing)
        {
            return Refused(relative, CoreRejectReasons.InputNotARegularFile, $"{shown} is a dangling symlink");
        }

        var trimmed = Path.TrimEndingDirectorySeparator(_root);
        if (target != trimmed && !target.StartsWith(trimmed + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            return Refused(relative, CoreRejectReasons.InputNotARegularFile, $"{shown} is a symlink to {target}, outside the input folder");
        }

        return kind switch
        {
            EntryKind.Regular => new StorageItem(relative, new FileInfo(target).Length),
            EntryKind.Directory => Refused(relative, CoreRejectReasons.InputNotARegularFile, $"{shown} is a symlink to a folder inside the input, which is read through its own path (a loop otherwise)"),
            _ => Refused(relative, CoreRejectReasons.InputNotARegularFile, $"{shown} is a symlink to {EntryKinds.Describe(kind)}"),
        };
    }

    private static StorageItem Refused(string relative, Stages.Contract.RejectReason reason, string message) =>
        new(relative, 0) { Refusal = new InputRefusal(reason, message) };

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
