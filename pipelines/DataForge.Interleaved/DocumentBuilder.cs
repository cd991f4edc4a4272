using System.Collections.Immutable;
using System.Globalization;
using System.IO.Hashing;
using System.Text;
using System.Text.Json.Nodes;
using DataForge.Core;
using DataForge.Core.Media;
using DataForge.Core.Model;
using DataForge.Core.Pipeline;
using DataForge.Core.Rejects;
using DataForge.Core.Stages.Contract;
using DataForge.Interleaved.Images;

namespace DataForge.Interleaved;

/// <summary>
/// The second pass: a spooled page becomes an interleaved sample <c>[Text, Image, Text, …]</c>. Images are
/// dropped (each with a reject naming its reason) when missing, undecodable, too small, too elongated, shown on
/// too many pages, or a near copy of one earlier in the document; the document is rejected when too little text
/// is left, no image is left (unless text-only documents are kept), there are too many images, or the same
/// document was already built.
/// </summary>
internal sealed class DocumentBuilder(InterleaveOptions options, ImageCatalog catalog, Videos.VideoCatalog videoCatalog, StageStats stats, StageContext context)
{
    private readonly HashSet<UInt128> _documents = [];

    /// <summary>The page's sample, or why there is none; either way the rejects of the images it dropped.</summary>
    public async Task<StageOutcome> BuildAsync(ScratchPage scratch)
    {
        var page = scratch.Page;
        var parts = ImmutableArray.CreateBuilder<Part>();
        var images = new JsonArray();
        var kept = new List<ulong>();
        var rejections = new List<Rejection>();
        var videos = new JsonArray();
        foreach (var item in page.Items)
        {
            if (item.Text is { } text)
            {
                parts.Add(new TextPart(text, Role.Content));
                continue;
            }

            if (item.VideoUrl is { } videoUrl)
            {
                await AddVideoAsync(videoUrl, item, page.Url, parts, videos, rejections);
                continue;
            }

            var url = item.ImageUrl!;
            if (Accept(url, page.Url, kept, rejections) is not { } image)
            {
                continue;
            }

            kept.Add(image.DHash);
            var bytes = catalog.Bytes(image);
            var (stored, mime, width, height) = options.ReencodeMaxSide > 0 && Math.Max(image.Width, image.Height) > options.ReencodeMaxSide
                ? ImageReencoder.Fit(bytes, options.ReencodeMaxSide, options.ReencodeQuality, options.ReencodeFormat == "webp")
                : (bytes, image.Mime, image.Width, image.Height);
            var media = await context.Media.PutAsync(stored, mime, context.CancellationToken);
            parts.Add(new ImagePart(media, width, height, Role.Content));
            images.Add(new JsonObject
            {
                ["url"] = url.StartsWith("data:", StringComparison.OrdinalIgnoreCase) ? "data:" : url,
                ["alt"] = item.Alt,
                ["caption"] = item.Caption,
            });
        }

        var textChars = SampleMeasures.TextCharacters(parts);
        var imageCount = images.Count;
        var mediaCount = imageCount + videos.Count;
        string? reason = null, message = null;
        if (textChars < options.MinTextChars)
        {
            (reason, message) = (InterleaveRejectReasons.DocumentTooLittleText, $"{textChars} characters of text, fewer than min_text_chars {options.MinTextChars}");
        }
        else if (mediaCount == 0 && !options.KeepTextOnly)
        {
            (reason, message) = (InterleaveRejectReasons.DocumentNoImage, "no usable image or video is left and keep_text_only is off");
        }
        else if (imageCount > options.MaxImages)
        {
            (reason, message) = (InterleaveRejectReasons.DocumentTooManyImages, $"{imageCount} images, more than max_images {options.MaxImages}");
        }
        else if (!_documents.Add(SampleMeasures.ContentKey(parts, includeRoles: false)))
        {
            (reason, message) = (CoreRejectReasons.DedupExactDuplicate, "the same text and images as a document built earlier in this task");
        }

        if (reason is not null)
        {
            rejections.Add(new Rejection(scratch.Source, reason, $"{page.Url}: {message}"));
            return new StageOutcome { Rejections = rejections };
        }

        stats.Add("documents.kept");
        stats.Add("images.kept", imageCount);
        var meta = new JsonObject
        {
            ["url"] = page.Url,
            ["title"] = page.Title,
            ["warc_record_id"] = scratch.RecordId,
            ["images"] = images,
        };
        if (videos.Count > 0)
        {
            meta["videos"] = videos;
            stats.Add("videos.kept", videos.Count);
        }
        return new StageOutcome
        {
            Samples = [new Sample(SampleIds.FromSource(scratch.Source), scratch.Source, parts.ToImmutable(), meta.ToJsonString(DataForgeJson.Compact))],
            Rejections = rejections,
        };
    }

    /// <summary>A page's video as its clips' Video and Audio parts, or the rejects that say why it has none.</summary>
    private async Task AddVideoAsync(string url, Html.PageItem item, string pageUrl, ImmutableArray<Part>.Builder parts, JsonArray videos, List<Rejection> rejections)
    {
        if (!options.Videos)
        {
            stats.Add("videos.skipped");
            return;
        }

        if (!videoCatalog.TryGet(url, out var video))
        {
            stats.Add($"videos.dropped.{InterleaveRejectReasons.VideoNotFound.Code}");
            rejections.Add(new Rejection(url, InterleaveRejectReasons.VideoNotFound, $"on {pageUrl}: neither in the archives nor beside the page (read-video's containers: {string.Join(", ", Core.Storage.FileFormats.VideoExtensions)})"));
            return;
        }

        var reader = new DataForge.Video.VideoReader(options.VideoReading(), context.Media);
        var (plan, refusal) = await reader.PlanAsync(url, video.Path, Path.GetFileName(new Uri(url).AbsolutePath), video.Mime, [], context.CancellationToken);
        if (plan is null)
        {
            stats.Add($"videos.dropped.{refusal!.Reason}");
            rejections.Add(refusal with { Message = $"on {pageUrl}: {refusal.Message}" });
            return;
        }

        var clips = 0;
        foreach (var (first, count) in DataForge.Video.VideoReader.DecodeGroups(plan))
        {
            foreach (var clip in await reader.ClipsAsync(plan, first, count, context.CancellationToken))
            {
                if (clip.Rejection is { } rejected)
                {
                    stats.Add($"videos.clips_dropped.{rejected.Reason}");
                    rejections.Add(rejected with { Message = $"on {pageUrl}: {rejected.Message}" });
                    continue;
                }

                // The clip's video and audio; subtitles are read-video's (a page has none beside its video).
                parts.AddRange(clip.Parts);
                clips++;
            }
        }

        if (clips > 0)
        {
            videos.Add(new JsonObject { ["url"] = url, ["alt"] = item.Alt, ["caption"] = item.Caption, ["clips"] = clips });
        }
    }

    private CatalogImage? Accept(string url, string pageUrl, List<ulong> kept, List<Rejection> rejections)
    {
        string? reason = null, message = null;
        CatalogImage? found = null;
        if (!catalog.TryGet(url, out var image))
        {
            (reason, message) = catalog.Failure(url) is { } failure
                ? failure
                : (InterleaveRejectReasons.ImageNotFound, "neither in the archives nor on disk");
        }
        else if (Math.Min(image.Width, image.Height) < options.MinImageSide)
        {
            (reason, message) = (CoreRejectReasons.ImageTooSmall, string.Create(CultureInfo.InvariantCulture, $"{image.Width}x{image.Height}: a side is under min_image_side {options.MinImageSide}"));
        }
        else if (SampleMeasures.AspectRatio(image.Width, image.Height) > options.MaxAspectRatio)
        {
            (reason, message) = (CoreRejectReasons.ImageAspectRatio, string.Create(CultureInfo.InvariantCulture, $"{image.Width}x{image.Height} is more elongated than max_aspect_ratio {options.MaxAspectRatio}"));
        }
        else if (catalog.PagesShowing(image) > options.FrequentImagePages)
        {
            (reason, message) = (InterleaveRejectReasons.ImageFrequent, string.Create(CultureInfo.InvariantCulture, $"shown on {catalog.PagesShowing(image)} pages, more than frequent_image_pages {options.FrequentImagePages}: a logo or banner"));
        }
        else if (kept.Any(hash => PerceptualHash.Distance(hash, image.DHash) <= options.NearDuplicateBits))
        {
            (reason, message) = (InterleaveRejectReasons.ImageNearDuplicate, "the same picture as an earlier image of this document (dHash)");
        }
        else
        {
            found = image;
        }

        if (reason is not null)
        {
            stats.Add($"images.dropped.{reason}");
            var shown = url.StartsWith("data:", StringComparison.OrdinalIgnoreCase) ? "data: URI" : url;
            rejections.Add(new Rejection(shown, reason, $"on {pageUrl}: {message}"));
        }

        return found;
    }
}
