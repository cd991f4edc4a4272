using DataForge.Core.Hashing;
using DataForge.Core.Model;
using DataForge.Core.Storage;

namespace DataForge.Core.Media;

/// <summary>
/// Content-addressed media beside a sample set: <c>media/&lt;2 hex&gt;/&lt;sha256&gt;.&lt;ext&gt;</c>. Equal bytes are stored
/// once, whichever sample or task put them, and a put of bytes already present costs one existence check.
/// </summary>
public sealed class MediaStore(IStorage root)
{
    public const string Folder = "media";

    public static string PathOf(MediaRef media) =>
        $"{Folder}/{media.Sha256[..2]}/{media.Sha256}.{MimeTypes.Extension(media.Mime)}";

    public async Task<MediaRef> PutAsync(ReadOnlyMemory<byte> bytes, string mime, CancellationToken cancellationToken = default)
    {
        var media = new MediaRef(Hashes.Sha256Hex(bytes.Span), mime);
        var path = PathOf(media);
        if (!await root.ExistsAsync(path, cancellationToken))
        {
            await using var write = await root.BeginWriteAsync(path, cancellationToken);
            await write.Stream.WriteAsync(bytes, cancellationToken);
            await write.CommitAsync(cancellationToken);
        }

        return media;
    }

    /// <summary>
    /// A local file put by streaming (a source video may be gigabytes): hashed in one pass, copied in a second only
    /// when the store does not hold those bytes yet.
    /// </summary>
    public async Task<MediaRef> PutFileAsync(string localPath, string mime, CancellationToken cancellationToken = default)
    {
        string sha;
        await using (var read = File.OpenRead(localPath))
        {
            sha = Convert.ToHexStringLower(await System.Security.Cryptography.SHA256.HashDataAsync(read, cancellationToken));
        }

        var media = new MediaRef(sha, mime);
        var path = PathOf(media);
        if (!await root.ExistsAsync(path, cancellationToken))
        {
            await using var write = await root.BeginWriteAsync(path, cancellationToken);
            await using (var read = File.OpenRead(localPath))
            {
                await read.CopyToAsync(write.Stream, cancellationToken);
            }

            await write.CommitAsync(cancellationToken);
        }

        return media;
    }

    public Task<Stream> OpenAsync(MediaRef media, CancellationToken cancellationToken = default) =>
        root.OpenReadAsync(PathOf(media), cancellationToken);

    public Task<bool> ContainsAsync(MediaRef media, CancellationToken cancellationToken = default) =>
        root.ExistsAsync(PathOf(media), cancellationToken);

    /// <summary>
    /// The path of the medium with this sha256 under <paramref name="root"/>'s media/, whatever its extension, or null.
    /// Listing the two-hex folder works the same on disk and in Azure (a name prefix is not a local listing).
    /// </summary>
    public static async Task<string?> FindAsync(IStorage root, string sha256, CancellationToken cancellationToken = default)
    {
        await foreach (var item in root.ListAsync($"{Folder}/{sha256[..2]}", cancellationToken))
        {
            if (StoragePaths.FileName(item.Path).StartsWith(sha256 + ".", StringComparison.Ordinal))
            {
                return item.Path;
            }
        }

        return null;
    }

    /// <summary>Whether <paramref name="root"/> holds a media/ folder with anything in it.</summary>
    public static async Task<bool> HasMediaAsync(IStorage root, CancellationToken cancellationToken = default)
    {
        try
        {
            await foreach (var _ in root.ListAsync($"{Folder}/", cancellationToken))
            {
                return true;
            }
        }
        catch (Exception e) when (e is StorageNotFoundException or DirectoryNotFoundException)
        {
        }

        return false;
    }
}
