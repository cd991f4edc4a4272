using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using DataForge.SegEdit.Editing;
using DataForge.SegEdit.Sources;
using DataForge.Testing;
using Xunit.Abstractions;

namespace DataForge.SegEdit.Tests;

/// <summary>
/// Seeded mutational fuzzing of what seg2edit reads from outside: COCO annotation files (instances and panoptic),
/// segmentations (RLE strings and arrays, polygons) and mask/photo images. Every input gives a result or the parser's
/// documented error (a reason, an InvalidDataException for a file), never another exception, and returns in time.
/// </summary>
public sealed class HostileInputFuzzTests(ITestOutputHelper log) : IDisposable
{
    private static readonly string[] JsonTokens = ["{", "}", "[", "]", "\"counts\":", "\"size\":[", "\"segmentation\":", "\"file_name\":\"../../etc/passwd\"", "\"width\":", "-1", "1e308", "2147483648", "null", "\"\\ud800\"", "[[", "]]", ",", "\"iscrowd\":1", "\"segments_info\":["];
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Mutated_annotation_files_parse_or_fail_with_a_reason()
    {
        var seeds = new[] { "instances.json", "panoptic.json" }.Select(name => File.ReadAllBytes(Path.Combine(RepositoryRoot.Samples, "coco", name))).ToList();
        var report = await Fuzzer.RunAsync("COCO annotation JSON", seeds, 600, 21, async input =>
        {
            using var file = await CocoAnnotationFile.ReadAsync(new MemoryStream(input), _temp.Combine($"spool-{Guid.NewGuid():N}"), CancellationToken.None);
        }, allowed: e => e is InvalidDataException, dictionary: JsonTokens);

        report.AssertNone(log);
    }

    /// <summary>The seg2edit stage end to end over mutated instances files (the bundled images beside them): records or rejects, and no input ends its task.</summary>
    [Fact]
    public async Task Mutated_annotation_files_run_through_the_seg2edit_stage_to_triples_or_reasons()
    {
        var seeds = new[] { File.ReadAllBytes(Path.Combine(RepositoryRoot.Samples, "coco", "instances.json")) };
        var images = Path.Combine(RepositoryRoot.Samples, "coco", "images");
        var report = await Fuzzer.RunAsync("seg2edit stage (COCO)", seeds, 40, 25, StageFuzz.Target(Seg2EditStage.Definition, "instances.json", input => new JsonObject
        {
            ["inputs"] = new JsonArray(input),
            ["images"] = images,
            ["ops"] = new JsonArray("highlight"),
            ["languages"] = new JsonArray("en"),
        }), dictionary: JsonTokens, perInput: TimeSpan.FromSeconds(60));

        report.AssertNone(log);
    }

    [Fact]
    public async Task Mutated_segmentations_decode_to_masks_or_reasons()
    {
        var instances = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(RepositoryRoot.Samples, "coco", "instances.json")));
        var seeds = instances.RootElement.GetProperty("annotations").EnumerateArray().Select(a => Encoding.UTF8.GetBytes(a.GetProperty("segmentation").GetRawText())).ToList();
        seeds.Add("[[10,10,50,10,50,50,10,50]]"u8.ToArray());
        seeds.Add("{\"size\":[20,30],\"counts\":[5,10,585]}"u8.ToArray());
        var sizes = new Random(22);

        var report = await Fuzzer.RunAsync("COCO segmentation (RLE, polygons)", seeds, 3000, 23, input =>
        {
            JsonDocument document;
            try
            {
                document = JsonDocument.Parse(input);
            }
            catch (JsonException)
            {
                return Task.CompletedTask;
            }

            using (document)
            {
                int height, width;
                lock (sizes)
                {
                    (height, width) = (sizes.Next(1, 300), sizes.Next(1, 400));
                }

                _ = CocoSegmentation.Decode(document.RootElement, height, width);
            }

            return Task.CompletedTask;
        }, dictionary: JsonTokens);

        report.AssertNone(log);
    }

    [Fact]
    public async Task Mutated_images_and_masks_decode_or_give_a_reason()
    {
        var seeds = Directory.GetFiles(Path.Combine(RepositoryRoot.Samples, "coco", "images"))
            .Concat(Directory.GetFiles(Path.Combine(RepositoryRoot.Samples, "coco", "panoptic")))
            .Concat(Directory.GetFiles(Path.Combine(RepositoryRoot.Samples, "masks"), "*.png"))
            .Take(8).Select(File.ReadAllBytes).ToList();

        var report = await Fuzzer.RunAsync("images (seg2edit decode)", seeds, 800, 24, input =>
        {
            _ = RgbaImage.Decode(input, 4_000_000);
            return Task.CompletedTask;
        });

        report.AssertNone(log);
    }
}
