using System.Runtime.CompilerServices;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;

namespace DataForge.Core.Storage;

/// <summary>
/// A prefix in an Azure Blob container. Atomic writes stage blocks and commit the block list: until the commit,
/// readers see the previous blob or none (Put Block / Put Block List semantics).
/// </summary>
public sealed class AzureBlobStorage : IStorage
{
    /// <summary>Block size for staged uploads; well under the 4000 MiB per-block limit, large enough for few round trips.</summary>
    private const int BlockSize = 8 << 20;

    private readonly BlobContainerClient _container;
    private readonly string _prefix;
    private readonly Lazy<Task> _ensureContainer;

    public AzureBlobStorage(BlobContainerClient container, string prefix, string displayUri)
    {
        _container = container;
        _prefix = StoragePaths.Normalize(prefix);
        Uri = displayUri;
        _ensureContainer = new Lazy<Task>(() => _container.CreateIfNotExistsAsync());
    }

    public string Uri { get; }

    public async Task<bool> ExistsAsync(string path, CancellationToken cancellationToken = default)
    {
        if (Key(path).Length == 0)
        {
            return false; // the container root is a folder, never an object
        }

        var response = await Blob(path).ExistsAsync(cancellationToken);
        return response.Value;
    }

    public async Task<Stream> OpenReadAsync(string path, CancellationToken cancellationToken = default)
    {
        try
        {
            return await Blob(path).OpenReadAsync(new BlobOpenReadOptions(allowModifications: false), cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            throw new StorageNotFoundException(StoragePaths.Join(Uri, path));
        }
    }

    public async Task<IAtomicWrite> BeginWriteAsync(string path, CancellationToken cancellationToken = default)
    {
        await _ensureContainer.Value;
        return new BlockAtomicWrite(_container.GetBlockBlobClient(Key(path)), StoragePaths.Join(Uri, path));
    }

    public async IAsyncEnumerable<StorageItem> ListAsync(string prefix = "", [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var normalized = StoragePaths.Normalize(prefix);
        var fullPrefix = StoragePaths.Join(_prefix, normalized);
        if (!await _container.ExistsAsync(cancellationToken))
        {
            yield break;
        }

        // A prefix that names one blob exactly lists that blob; otherwise it is a folder.
        var folderPrefix = fullPrefix.Length == 0 ? string.Empty : fullPrefix + "/";
        var rootLength = _prefix.Length == 0 ? 0 : _prefix.Length + 1;
        var items = new List<StorageItem>();
        await foreach (var blob in _container.GetBlobsAsync(new GetBlobsOptions { Prefix = fullPrefix }, cancellationToken))
        {
            var isNamedObject = normalized.Length > 0 && blob.Name == fullPrefix;
            if (isNamedObject || blob.Name.StartsWith(folderPrefix, StringComparison.Ordinal))
            {
                items.Add(new StorageItem(blob.Name[rootLength..], blob.Properties.ContentLength ?? 0));
            }

            if (items.Count >= 4096)
            {
                // The service lists in lexical (ordinal UTF-8) order already; flush in pages to stay streaming.
                foreach (var item in items)
                {
                    yield return item;
                }

                items.Clear();
            }
        }

        foreach (var item in items)
        {
            yield return item;
        }
    }

    public async Task DeleteAsync(string path, CancellationToken cancellationToken = default) =>
        await Blob(path).DeleteIfExistsAsync(cancellationToken: cancellationToken);

    public IStorage At(string subPath) =>
        new AzureBlobStorage(_container, StoragePaths.Join(_prefix, StoragePaths.Normalize(subPath)), StoragePaths.Join(Uri, StoragePaths.Normalize(subPath)));

    private BlobClient Blob(string path) => _container.GetBlobClient(Key(path));

    private string Key(string path) => StoragePaths.Join(_prefix, StoragePaths.Normalize(path));

    /// <summary>Buffers into a local temp file (so writers may seek, as Parquet appends do), then stages blocks on commit.</summary>
    /// <param name="shownUri">the object as the user named it (az://…), for errors: never the account URL or a SAS</param>
    private sealed class BlockAtomicWrite(BlockBlobClient blob, string shownUri) : IAtomicWrite
    {
        private readonly string _tempPath = Path.Combine(Path.GetTempPath(), $"dataforge-upload-{Guid.NewGuid():N}.tmp");
        private FileStream? _stream;

        public Stream Stream => _stream ??= new FileStream(_tempPath, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.DeleteOnClose);

        public async Task CommitAsync(CancellationToken cancellationToken = default)
        {
            try
            {
                await UploadAsync(cancellationToken);
            }
            catch (RequestFailedException e)
            {
                // The SDK has retried what was retriable; what is left is the task's failure, named by object.
                throw new DataForgeException($"writing {shownUri}: storage request failed ({e.Status} {e.ErrorCode}): {e.Message.Split('\n')[0]}");
            }
        }

        private async Task UploadAsync(CancellationToken cancellationToken)
        {
            var stream = (FileStream)Stream;
            await stream.FlushAsync(cancellationToken);
            stream.Position = 0;
            if (stream.Length == 0)
            {
                // The service refuses empty blocks; an empty object is one Put Blob, which is atomic as well.
                await blob.UploadAsync(stream, new BlobUploadOptions(), cancellationToken);
                return;
            }

            var blockIds = new List<string>();
            var buffer = new byte[BlockSize];
            while (true)
            {
                var filled = await stream.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, cancellationToken);
                if (filled == 0)
                {
                    break;
                }

                // Block ids must be base64 and of equal length within one blob.
                var blockId = Convert.ToBase64String(BitConverter.GetBytes((long)blockIds.Count));
                using (var block = new MemoryStream(buffer, 0, filled, writable: false))
                {
                    await blob.StageBlockAsync(blockId, block, cancellationToken: cancellationToken);
                }

                blockIds.Add(blockId);
                if (filled < buffer.Length)
                {
                    break;
                }
            }

            await blob.CommitBlockListAsync(blockIds, cancellationToken: cancellationToken);
        }

        public async ValueTask DisposeAsync()
        {
            if (_stream is not null)
            {
                await _stream.DisposeAsync();
            }
        }
    }
}
