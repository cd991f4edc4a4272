using System.Runtime.CompilerServices;

namespace DataForge.Core.Storage;

/// <summary>One input object: where it is and how to name it in sample sources and rejects.</summary>
public sealed record InputFile(IStorage Storage, string Path, string Uri, long Length)
{
    /// <summary>Why this input is a reject instead of being read (see <see cref="StorageItem.Refusal"/>).</summary>
    public InputRefusal? Refusal { get; init; }

    /// <summary>The folder the file lies in, which paths written inside it (a table's images, a chat's media) are relative to.</summary>
    public IStorage Folder => StoragePaths.Directory(Path) is { Length: > 0 } folder ? Storage.At(folder) : Storage;
}

/// <summary>Expands input URIs (a file, a folder, an Azure prefix) into the files under them, in ordinal order.</summary>
public sealed class InputResolver(StorageFactory storageFactory)
{
    public async IAsyncEnumerable<InputFile> ExpandAsync(string uri, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        // shard-{00000..00099}.tar: each name in turn, every one of which must exist (a missing shard is an error).
        if (BraceExpansion.HasBraces(uri) && !await storageFactory.Open(uri).ExistsAsync(string.Empty, cancellationToken))
        {
            foreach (var name in BraceExpansion.Expand(uri))
            {
                await foreach (var file in ExpandAsync(name, cancellationToken))
                {
                    yield return file;
                }
            }

            yield break;
        }

        var storage = storageFactory.Open(uri);
        if (await storage.ExistsAsync(string.Empty, cancellationToken))
        {
            // The URI names one object: its parent becomes the storage, so lookups of files beside it (sidecars) work.
            var trimmed = uri.Replace('\\', '/').TrimEnd('/');
            var slash = trimmed.LastIndexOf('/');
            var parentUri = slash < 0 ? "." : trimmed[..slash];
            var name = trimmed[(slash + 1)..];
            var parent = storageFactory.Open(parentUri.Length == 0 ? "/" : parentUri);
            await foreach (var item in parent.ListAsync(name, cancellationToken))
            {
                yield return new InputFile(parent, item.Path, uri, item.Length) { Refusal = item.Refusal };
            }

            yield break;
        }

        var any = false;
        await foreach (var item in storage.ListAsync(string.Empty, cancellationToken))
        {
            any = true;
            yield return new InputFile(storage, item.Path, StoragePaths.Join(uri, item.Path), item.Length) { Refusal = item.Refusal };
        }

        if (!any && !FolderExists(storage))
        {
            throw new StorageNotFoundException(uri);
        }
    }

    /// <summary>An empty local folder is an empty input; an Azure prefix with nothing under it does not exist.</summary>
    private static bool FolderExists(IStorage storage) =>
        storage is LocalStorage local && Directory.Exists(local.RootDirectory);
}
