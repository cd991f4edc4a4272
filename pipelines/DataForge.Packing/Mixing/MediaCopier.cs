using DataForge.Core;
using DataForge.Core.Hashing;
using DataForge.Core.Media;
using DataForge.Core.Storage;

namespace DataForge.Packing.Mixing;

/// <summary>
/// Copies the media a mixture's rows name (by sha256) from their source's media/ into the output's, so the mixture is
/// self-contained: the trainer reads one media/ whatever sets the rows came from. Content-addressed, so a medium two
/// sources share is stored once; each copy is checked to hash to its name. A medium its source lacks is an error:
/// rows whose placeholders have no pixels would train as another experiment.
/// </summary>
public sealed class MediaCopier(IStorage output)
{
    private readonly HashSet<string> _copied = new(StringComparer.Ordinal);

    public long Copied { get; private set; }

    public async Task CopyAsync(MixRow row, MixSource source, CancellationToken cancellationToken)
    {
        foreach (var sha in row.Row.Media)
        {
            if (_copied.Contains(sha))
            {
                continue;
            }

            var root = source.MediaRoot ?? throw new DataForgeException($"{source.Label}: its rows name media (first {sha}) but no media/ was found in the set or beside it");
            var path = await MediaStore.FindAsync(root, sha, cancellationToken);
            if (path is null)
            {
                throw new DataForgeException($"{source.Label}: medium {sha} is not in {StoragePaths.Join(root.Uri, MediaStore.Folder)}");
            }

            if (!await output.ExistsAsync(path, cancellationToken))
            {
                var bytes = await root.ReadAllBytesAsync(path, cancellationToken);
                if (Hashes.Sha256Hex(bytes) != sha)
                {
                    throw new DataForgeException($"{StoragePaths.Join(root.Uri, path)} does not hash to its name");
                }

                await using var write = await output.BeginWriteAsync(path, cancellationToken);
                await write.Stream.WriteAsync(bytes, cancellationToken);
                await write.CommitAsync(cancellationToken);
                Copied++;
            }

            _copied.Add(sha);
        }
    }
}
