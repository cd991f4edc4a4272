using System.Globalization;
using System.Text.Json;
using DataForge.Core;
using DataForge.Core.Media;
using DataForge.Core.Pipeline;
using DataForge.Core.Rejects;
using DataForge.Core.Stages.Contract;
using DataForge.Core.Storage;
using DataForge.Interleaved.Html;
using DataForge.Interleaved.Images;
using DataForge.Interleaved.Warc;

namespace DataForge.Interleaved;

/// <summary>
/// The first pass over a task's inputs: every page is extracted and spooled to a scratch file, every image met
/// (archive responses, local files a page names, data: URIs) goes into the image catalog, and every image a page
/// shows is counted. Pages are built only afterwards, when an image that comes later in an archive is known too.
/// </summary>
internal sealed class PageReader(ImageCatalog catalog, Videos.VideoCatalog videos, StageStats stats, StreamWriter spool, StageContext context)
{
    private readonly HtmlExtractor _extractor = new();

    public async Task ReadAsync(InputFile file)
    {
        var kind = FileFormats.Of(file.Path);
        if (kind.Is(FileFormat.Warc) || kind.Is(FileFormat.Warc, FileCompression.Gzip))
        {
            await ReadWarcAsync(file, kind.Compression == FileCompression.Gzip);
        }
        else if (kind.Is(FileFormat.Html))
        {
            await ReadHtmlFileAsync(file);
        }
        else if (kind.Is(FileFormat.Image) || FileFormats.VideoExtensions.Contains(Path.GetExtension(file.Path).ToLowerInvariant()) || kind.Is(FileFormat.Subtitles))
        {
            stats.Add("files.page_assets"); // read when a page shows them
        }
        else
        {
            await context.Rejects.RejectAsync(file.Uri, CoreRejectReasons.InputUnsupportedFormat, "interleave reads .warc, .warc.gz and .html files (with their images)", context.CancellationToken);
        }

        context.Counters.AddInputBytes(file.Length);
    }

    private async Task ReadWarcAsync(InputFile file, bool gzip)
    {
        await using var archive = await file.Storage.OpenReadAsync(file.Path, context.CancellationToken);
        await foreach (var result in WarcReader.ReadAsync(archive, gzip, cancellationToken: context.CancellationToken))
        {
            var where = string.Create(CultureInfo.InvariantCulture, $"{file.Uri}@{result.Offset}");
            if (result.Record is not { } record)
            {
                await context.Rejects.RejectAsync(where, result.ErrorReason!, result.ErrorMessage!, context.CancellationToken);
                continue;
            }

            stats.Add($"records.{(record.Type.Length == 0 ? "untyped" : record.Type)}");
            HttpResponse response;
            if (record.IsHttpResponse)
            {
                try
                {
                    response = HttpResponse.Parse(record.Block);
                }
                catch (FormatException e)
                {
                    await context.Rejects.RejectAsync(where, InterleaveRejectReasons.HttpInvalidResponse, e.Message, context.CancellationToken);
                    continue;
                }
            }
            else if (record.Type == "resource" && record.ContentType is { } resourceType)
            {
                // A resource record holds the object itself, typed by its own Content-Type (WARC/1.1 §6.6): pages and
                // images archived without HTTP (warcio's example-resource.warc.gz, browser captures) are read like responses.
                response = new HttpResponse(200, new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["Content-Type"] = resourceType }, record.Block);
            }
            else
            {
                continue;
            }

            var url = record.TargetUri ?? string.Empty;
            if (response.Status != 200)
            {
                stats.Add("responses.not_ok");
                continue;
            }

            if (response.MediaType is "text/html" or "application/xhtml+xml")
            {
                ExtractedPage extracted;
                try
                {
                    extracted = _extractor.Extract(response.Body, url, response.Charset);
                }
                catch (FormatException e)
                {
                    await context.Rejects.RejectAsync(where, InterleaveRejectReasons.HtmlTooDeep, e.Message, context.CancellationToken);
                    continue;
                }

                await SpoolAsync(new ScratchPage(where, record.RecordId, extracted));
            }
            else if (response.MediaType.StartsWith("image/", StringComparison.Ordinal))
            {
                stats.Add("responses.images");
                catalog.Add(url, response.Body);
            }
            else if (response.MediaType.StartsWith("video/", StringComparison.Ordinal))
            {
                stats.Add("responses.videos");
                videos.Add(url, response.Body, MimeTypes.Extension(response.MediaType) == "bin" ? MimeTypes.OfVideoExtension(Path.GetExtension(new Uri(url, UriKind.RelativeOrAbsolute).IsAbsoluteUri ? new Uri(url).AbsolutePath : url)) ?? "video/mp4" : response.MediaType);
            }
            else
            {
                stats.Add("responses.other_payloads");
            }
        }
    }

    private async Task ReadHtmlFileAsync(InputFile file)
    {
        byte[] bytes;
        try
        {
            // A page is held whole and parsed into a tree several times its size: the cap of a WARC block applies.
            bytes = await file.Storage.ReadAllBytesAsync(file.Path, WarcReader.DefaultMaxBlockBytes, context.CancellationToken);
        }
        catch (InputTooLargeException e)
        {
            await context.Rejects.RejectAsync(file.Uri, CoreRejectReasons.InputTooLarge, e.Message, context.CancellationToken);
            return;
        }

        // A local page's URL lives in the input folder, so its relative images resolve to files beside it.
        var pageUrl = new Uri("file:///" + string.Join('/', file.Path.Split('/').Select(Uri.EscapeDataString))).AbsoluteUri;
        ExtractedPage page;
        try
        {
            page = _extractor.Extract(bytes, pageUrl, null);
        }
        catch (FormatException e)
        {
            await context.Rejects.RejectAsync(file.Uri, InterleaveRejectReasons.HtmlTooDeep, e.Message, context.CancellationToken);
            return;
        }

        foreach (var item in page.Items)
        {
            if (item.ImageUrl is { } url && url.StartsWith("file:///", StringComparison.Ordinal) && !catalog.TryGet(url, out _) && catalog.Failure(url) is null)
            {
                var path = Uri.UnescapeDataString(new Uri(url).AbsolutePath.TrimStart('/'));
                if (await file.Storage.ExistsAsync(path, context.CancellationToken))
                {
                    try
                    {
                        catalog.Add(url, await file.Storage.ReadAllBytesAsync(path, context.CancellationToken));
                    }
                    catch (InputTooLargeException e)
                    {
                        await context.Rejects.RejectAsync(StoragePaths.Join(file.Storage.Uri, path), CoreRejectReasons.InputTooLarge, e.Message, context.CancellationToken);
                    }
                }
            }
        }

        foreach (var url in page.Items.Select(item => item.VideoUrl).OfType<string>().Where(url => url.StartsWith("file:///", StringComparison.Ordinal)).Distinct(StringComparer.Ordinal))
        {
            var path = Uri.UnescapeDataString(new Uri(url).AbsolutePath.TrimStart('/'));
            if (!videos.TryGet(url, out _) && MimeTypes.OfVideoExtension(Path.GetExtension(path)) is { } mime && await file.Storage.ExistsAsync(path, context.CancellationToken))
            {
                await using var content = await file.Storage.OpenReadAsync(path, context.CancellationToken);
                await videos.AddAsync(url, content, mime, context.CancellationToken);
            }
        }

        await SpoolAsync(new ScratchPage(file.Uri, null, page));
    }

    private async Task SpoolAsync(ScratchPage page)
    {
        stats.Add("pages.read");
        foreach (var (what, count) in page.Page.Removed ?? new Dictionary<string, int>())
        {
            stats.Add($"removed.{what}", count);
        }

        foreach (var url in page.Page.Items.Select(item => item.ImageUrl).OfType<string>().Distinct(StringComparer.Ordinal))
        {
            if (url.StartsWith("data:", StringComparison.OrdinalIgnoreCase) && !catalog.TryGet(url, out _) && DataUri.TryDecode(url) is { } bytes)
            {
                catalog.Add(url, bytes);
            }

            catalog.CountPage(url);
        }

        await spool.WriteLineAsync(JsonSerializer.Serialize(page, DataForgeJson.Compact));
    }
}
