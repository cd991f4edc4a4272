using DataForge.Core.Hashing;

namespace DataForge.Interleaved.Videos;

/// <summary>A video a page shows, waiting in the task's scratch folder for the second pass.</summary>
public sealed record CatalogVideo(string Path, string Mime);

/// <summary>
/// The videos of one task, by absolute URL: bodies of WARC responses typed video/* and files beside local pages,
/// kept as scratch files (ffmpeg seeks in them; a video is never held in memory past its WARC block).
/// </summary>
public sealed class VideoCatalog(string scratchFolder)
{
    private readonly Dictionary<string, CatalogVideo> _byUrl = new(StringComparer.Ordinal);

    public int Count => _byUrl.Count;

    public bool TryGet(string url, out CatalogVideo video) => _byUrl.TryGetValue(url, out video!);

    /// <summary>A WARC response's body: written under its sha256, once per content.</summary>
    public void Add(string url, byte[] body, string mime)
    {
        if (_byUrl.ContainsKey(url))
        {
            return;
        }

        var path = System.IO.Path.Combine(scratchFolder, Hashes.Sha256Hex(body) + ".video");
        if (!File.Exists(path))
        {
            File.WriteAllBytes(path, body);
        }

        _byUrl[url] = new CatalogVideo(path, mime);
    }

    /// <summary>A file beside a local page, copied by streaming.</summary>
    public async Task AddAsync(string url, Stream content, string mime, CancellationToken cancellationToken)
    {
        if (_byUrl.ContainsKey(url))
        {
            return;
        }

        var path = System.IO.Path.Combine(scratchFolder, $"file-{_byUrl.Count:D6}.video");
        await using (var copy = File.Create(path))
        {
            await content.CopyToAsync(copy, cancellationToken);
        }

        _byUrl[url] = new CatalogVideo(path, mime);
    }
}
