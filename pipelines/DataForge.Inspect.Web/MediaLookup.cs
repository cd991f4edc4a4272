using DataForge.Core.Media;
using DataForge.Core.Storage;

namespace DataForge.Inspect.Web;

/// <summary>
/// A medium of a target's media store by its sha256, and nothing else: the name must be 64 lowercase hex digits (so no
/// path can be spelled), the object is found by listing the store's two-hex folder, and an entry the storage refuses
/// (a symlink leaving the set, a FIFO) is not served.
/// </summary>
public static class MediaLookup
{
    public static bool IsSha256(string name) => name.Length == 64 && name.All(c => c is (>= '0' and <= '9') or (>= 'a' and <= 'f'));

    /// <summary>The medium's path in its store and its content type, or null when there is none to serve.</summary>
    public static async Task<(string Path, string ContentType)?> FindAsync(InspectTarget target, string sha256, CancellationToken cancellationToken)
    {
        if (!IsSha256(sha256) || target.MediaOwner is not { } store)
        {
            return null;
        }

        await foreach (var item in store.ListAsync($"{MediaStore.Folder}/{sha256[..2]}", cancellationToken))
        {
            var name = StoragePaths.FileName(item.Path);
            if (item.Refusal is null && name.StartsWith(sha256 + ".", StringComparison.Ordinal))
            {
                return (item.Path, MimeTypes.OfExtension(name[(sha256.Length + 1)..]) ?? "application/octet-stream");
            }
        }

        return null;
    }
}
