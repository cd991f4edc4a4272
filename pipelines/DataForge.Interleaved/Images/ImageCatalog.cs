using DataForge.Core.Hashing;
using DataForge.Core.Media;

namespace DataForge.Interleaved.Images;

/// <summary>A decoded image: where its bytes wait (in the task's scratch folder) and what decoding found.</summary>
public sealed record CatalogImage(string Sha256, string Mime, int Width, int Height, ulong DHash);

/// <summary>
/// The images of one task, by absolute URL: bytes found in the archives (or read from disk, or decoded from data:
/// URIs) are decoded once, kept in a scratch folder under their sha256, and looked up when pages are built. Also
/// counts on how many pages each image appears, for the frequent-image rule.
/// </summary>
public sealed class ImageCatalog(string scratchFolder, long maxPixels)
{
    private readonly Dictionary<string, CatalogImage> _byUrl = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (string Reason, string Message)> _failures = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _pagesByUrl = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _pagesBySha = new(StringComparer.Ordinal);

    public int Count => _byUrl.Count;

    /// <summary>Decodes and keeps image bytes met under a URL; a failure is remembered with its reason.</summary>
    public CatalogImage? Add(string url, byte[] bytes)
    {
        if (_byUrl.TryGetValue(url, out var known))
        {
            return known;
        }

        var probe = ImageProbe.Probe(bytes, maxPixels, withHash: true);
        if (!probe.Ok)
        {
            _failures[url] = (probe.RejectReason!, probe.RejectMessage!);
            return null;
        }

        var sha = Hashes.Sha256Hex(bytes);
        var path = BytesPath(sha);
        if (!File.Exists(path))
        {
            File.WriteAllBytes(path, bytes);
        }

        var image = new CatalogImage(sha, probe.Mime!, probe.Width, probe.Height, probe.DHash!.Value);
        _byUrl[url] = image;
        return image;
    }

    public void AddFailure(string url, string reason, string message) => _failures[url] = (reason, message);

    /// <summary>Web URLs that pages show and nothing has answered for yet, in ordinal order.</summary>
    public IReadOnlyList<string> Unresolved() =>
        [.. _pagesByUrl.Keys
            .Where(url => (url.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || url.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
                && !_byUrl.ContainsKey(url) && !_failures.ContainsKey(url))
            .Order(StringComparer.Ordinal)];

    public bool TryGet(string url, out CatalogImage image) => _byUrl.TryGetValue(url, out image!);

    public (string Reason, string Message)? Failure(string url) => _failures.TryGetValue(url, out var failure) ? failure : null;

    public byte[] Bytes(CatalogImage image) => File.ReadAllBytes(BytesPath(image.Sha256));

    /// <summary>Counts one page showing the image at <paramref name="url"/> (call once per page and URL).</summary>
    public void CountPage(string url) => _pagesByUrl[url] = _pagesByUrl.GetValueOrDefault(url) + 1;

    /// <summary>On how many pages the image shows, over every URL that served the same bytes.</summary>
    public int PagesShowing(CatalogImage image) => _pagesBySha.GetValueOrDefault(image.Sha256);

    /// <summary>Folds page counts from URLs onto images, once every page and image has been read.</summary>
    public void CloseCounts()
    {
        _pagesBySha.Clear();
        foreach (var (url, pages) in _pagesByUrl)
        {
            if (_byUrl.TryGetValue(url, out var image))
            {
                _pagesBySha[image.Sha256] = _pagesBySha.GetValueOrDefault(image.Sha256) + pages;
            }
        }
    }

    private string BytesPath(string sha) => Path.Combine(scratchFolder, sha + ".bin");
}
