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

    public Task<Stream> OpenAsync(MediaRef media, CancellationToken cancellationToken = default) =>
        root.OpenReadAsync(PathOf(media), cancellationToken);

    public Task<bool> ContainsAsync(MediaRef media, CancellationToken cancellationToken = default) =>
        root.ExistsAsync(PathOf(media), cancellationToken);
}
