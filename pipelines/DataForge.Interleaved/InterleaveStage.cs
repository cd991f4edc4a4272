using System.Text;
using System.Text.Json;
using DataForge.Core;
using DataForge.Core.Model;
using DataForge.Core.Pipeline;
using DataForge.Interleaved.Images;

namespace DataForge.Interleaved;

/// <summary>
/// Web pages in, interleaved image-text samples out (OBELICS / MINT-1T style): WARC archives and folders of HTML
/// pages are read in a first pass (pages spooled, images catalogued), then each page becomes a sample in a second
/// pass, in input order. Counters go to the run's manifest under stage_stats.
/// </summary>
public sealed class InterleaveStage(InterleaveOptions options) : IStage
{
    public static readonly StageDefinition Definition =
        new StageDefinition<InterleaveOptions>("interleave", "extract interleaved image-text documents from WARC archives and HTML folders", options => new InterleaveStage(options));

    public async IAsyncEnumerable<Sample> RunAsync(IAsyncEnumerable<Sample> input, StageContext context)
    {
        await foreach (var upstream in input.WithCancellation(context.CancellationToken))
        {
            yield return upstream;
        }

        var scratch = Path.Combine(context.ScratchDirectory, $"interleave-{context.StageSlot}");
        var imagesFolder = Path.Combine(scratch, "images");
        Directory.CreateDirectory(imagesFolder);
        var stats = new InterleaveStats();
        var catalog = new ImageCatalog(imagesFolder, options.MaxImagePixels);
        var spoolPath = Path.Combine(scratch, "pages.jsonl");
        await using (var spool = new StreamWriter(spoolPath, append: false, new UTF8Encoding(false)) { NewLine = "\n" })
        {
            var reader = new PageReader(catalog, stats, spool, context);
            foreach (var file in context.Inputs)
            {
                await reader.ReadAsync(file);
            }
        }

        catalog.CloseCounts();
        var builder = new DocumentBuilder(options, catalog, stats, context);
        using (var pages = new StreamReader(spoolPath, Encoding.UTF8))
        {
            while (await pages.ReadLineAsync(context.CancellationToken) is { } line)
            {
                var page = JsonSerializer.Deserialize<ScratchPage>(line, DataForgeJson.Compact)!;
                if (await builder.BuildAsync(page) is { } sample)
                {
                    yield return sample;
                }
            }
        }

        context.Outputs.SetExtra(context.StageSlot, stats.ToJson());
    }
}
