using System.Text;
using System.Text.Json;
using DataForge.Core;
using DataForge.Core.Model;
using DataForge.Core.Pipeline;
using DataForge.Core.Rejects;
using DataForge.Core.Stages.Contract;
using DataForge.Interleaved.Images;

namespace DataForge.Interleaved;

/// <summary>
/// Web pages in, interleaved image-text samples out (OBELICS / MINT-1T style): WARC archives and folders of HTML
/// pages are read in a first pass (pages spooled, images catalogued), then each page becomes a sample in a second
/// pass, in input order. Counters go to the run's manifest under stage_stats.
/// </summary>
public sealed class InterleaveStage(InterleaveOptions options) : SourceStage
{
    public static readonly StageDefinition Definition =
        new StageDefinition<InterleaveOptions>("interleave", "extract interleaved image-text documents from WARC archives and HTML folders", options => new InterleaveStage(options),
            [.. InterleaveRejectReasons.All, .. Core.Fetch.FetchRejectReasons.All.Where(reason => reason != Core.Fetch.FetchRejectReasons.FetchNotImage), CoreRejectReasons.InputUnsupportedFormat, CoreRejectReasons.InputTooLarge, CoreRejectReasons.DedupExactDuplicate, CoreRejectReasons.ImageTooSmall, CoreRejectReasons.ImageAspectRatio, .. CoreRejectReasons.ImageProbe,
                DataForge.Video.VideoRejectReasons.VideoUndecodable, DataForge.Video.VideoRejectReasons.VideoNoVideoStream, DataForge.Video.VideoRejectReasons.VideoEmpty, DataForge.Video.VideoRejectReasons.VideoTooLarge,
                DataForge.Video.VideoRejectReasons.VideoTooManyFrames, DataForge.Video.VideoRejectReasons.VideoNoTimestamps, DataForge.Video.VideoRejectReasons.VideoClipTooShort, DataForge.Video.VideoRejectReasons.VideoAudioUndecodable]);

    /// <summary>Both passes see every input file of the task: images are catalogued across pages before any page is built.</summary>
    protected override async IAsyncEnumerable<StageOutcome> ReadAsync(StageRun run)
    {
        var context = run.Context;
        var scratch = Path.Combine(context.ScratchDirectory, $"interleave-{context.StageSlot}");
        var imagesFolder = Path.Combine(scratch, "images");
        Directory.CreateDirectory(imagesFolder);
        var stats = run.Stats;
        var catalog = new ImageCatalog(imagesFolder, options.MaxImagePixels);
        var videosFolder = Path.Combine(scratch, "videos");
        Directory.CreateDirectory(videosFolder);
        var videos = new Videos.VideoCatalog(videosFolder);
        var spoolPath = Path.Combine(scratch, "pages.jsonl");
        await using (var spool = new StreamWriter(spoolPath, append: false, new UTF8Encoding(false)) { NewLine = "\n" })
        {
            var reader = new PageReader(catalog, videos, stats, spool, context);
            foreach (var file in context.Inputs)
            {
                await reader.ReadAsync(file);
            }
        }

        if (options.Fetch)
        {
            await FetchMissingAsync(catalog, stats, context);
        }

        catalog.CloseCounts();
        var builder = new DocumentBuilder(options, catalog, videos, stats, context);
        using (var pages = new StreamReader(spoolPath, Encoding.UTF8))
        {
            while (await pages.ReadLineAsync(context.CancellationToken) is { } line)
            {
                var page = JsonSerializer.Deserialize<ScratchPage>(line, DataForgeJson.Compact)!;
                yield return await builder.BuildAsync(page);
            }
        }
    }

    /// <summary>Fetches, in parallel, the images pages show that no input held; results join the catalog in URL order.</summary>
    private async Task FetchMissingAsync(ImageCatalog catalog, StageStats stats, StageContext context)
    {
        var urls = catalog.Unresolved();
        var results = new Core.Fetch.FetchResult[urls.Count];
        using var fetcher = new Core.Fetch.ImageFetcher(new Core.Fetch.FetchSettings(
            options.FetchAllowPrivate,
            TimeSpan.FromSeconds(options.FetchTimeoutSeconds),
            options.FetchMaxBytes,
            options.FetchRetries,
            TimeSpan.FromMilliseconds(options.FetchRetryBaseMs),
            options.FetchUserAgent),
            context.Clock);
        await Parallel.ForAsync(
            0,
            urls.Count,
            new ParallelOptions { MaxDegreeOfParallelism = options.FetchConcurrency, CancellationToken = context.CancellationToken },
            async (index, token) => results[index] = await fetcher.FetchAsync(urls[index], token));
        for (var index = 0; index < urls.Count; index++)
        {
            if (results[index].Bytes is { } bytes)
            {
                stats.Add("images.fetched");
                catalog.Add(urls[index], bytes);
            }
            else
            {
                stats.Add("images.fetch_failed");
                catalog.AddFailure(urls[index], results[index].Reason!, results[index].Message!);
            }
        }
    }
}
