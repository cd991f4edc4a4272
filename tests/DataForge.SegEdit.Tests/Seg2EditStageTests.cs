using System.Text.Json.Nodes;
using DataForge.Core.Media;
using DataForge.Core.Model;
using DataForge.Core.Pipeline;
using DataForge.Core.SampleSets;
using DataForge.Core.Stages.Contract;
using DataForge.Core.Storage;
using DataForge.SegEdit.Editing;
using DataForge.Testing;

namespace DataForge.SegEdit.Tests;

public sealed class Seg2EditStageTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private async Task<(RunResult Result, List<Sample> Samples, List<JsonObject> Rejects)> RunAsync(string input, JsonObject options, string output, int workers = 2)
    {
        options["inputs"] = new JsonArray(input);
        var spec = new PipelineSpec(
            "seg2edit",
            [],
            _temp.Combine(output),
            [new StageSpec("seg2edit", options, new SourceLocation("t", 1, 1)), new StageSpec("write", [], new SourceLocation("t", 2, 1))],
            1,
            RepositoryRoot.Samples);
        var result = await PipelineRuns.RunAsync(spec, [Seg2EditStage.Definition], workers);
        var samples = await SampleSetReader.ReadAsync(new LocalStorage(_temp.Combine(output))).ToListAsync();
        var rejects = Directory.Exists(_temp.Combine(output, "rejects"))
            ? Directory.GetFiles(_temp.Combine(output, "rejects")).SelectMany(File.ReadAllLines).Select(line => (JsonObject)JsonNode.Parse(line)!).ToList()
            : [];
        return (result, samples, rejects);
    }

    private static JsonObject AllOps() => new() { ["images"] = "coco/images", ["ops"] = new JsonArray("paint", "remove", "highlight") };

    [Fact]
    public async Task The_sample_coco_set_becomes_triples_and_every_bad_annotation_a_counted_reject()
    {
        var (result, samples, rejects) = await RunAsync("coco/instances.json", AllOps(), "out");

        // 9 good objects x 3 edits x 2 languages.
        Assert.Equal(54, samples.Count);
        var reasons = rejects.GroupBy(reject => (string)reject["reason"]!).ToDictionary(group => group.Key, group => group.Count());
        Assert.Equal(
            new Dictionary<string, int>
            {
                ["polygon.odd_coordinates"] = 1,
                ["polygon.too_few_points"] = 1,
                ["rle.size_mismatch"] = 1,
                ["mask.outside_image"] = 1,
                ["mask.too_small"] = 1,
                ["category.unknown"] = 1,
                ["annotation.unknown_image"] = 1,
                ["refer.ambiguous"] = 2,
                ["image.missing"] = 1,
            },
            reasons);
        var stats = result.Manifest!.StageStats["00-seg2edit"];
        Assert.Equal(18, stats["triples.op.paint"]);
        Assert.Equal(18, stats["triples.op.remove"]);
        Assert.Equal(18, stats["triples.op.highlight"]);
        Assert.Equal(2, stats["rejects.refer.ambiguous"]);
        Assert.Equal(54, stats["triples.category.circle"] + stats["triples.category.square"] + stats["triples.category.triangle"]);
        // The big square shares image 3 with a rejected 6x6 one: it is named by size.
        Assert.Contains(samples, sample => sample.Parts[1] is TextPart { Text: var text } && text.Contains("larger square", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Targets_differ_from_sources_only_inside_the_stored_mask()
    {
        var (_, samples, _) = await RunAsync("coco/instances.json", AllOps(), "out");
        var media = new MediaStore(new LocalStorage(_temp.Combine("out")));

        foreach (var sample in samples.Where(sample => (string)sample.MetaObject()["lang"]! == "en"))
        {
            var meta = sample.MetaObject();
            var source = await DecodeAsync(media, ((ImagePart)sample.Parts[0]).Media);
            var target = await DecodeAsync(media, ((ImagePart)sample.Parts[2]).Media);
            var mask = await DecodeAsync(media, new MediaRef((string)meta["mask"]!["sha256"]!, "image/png"));
            Assert.Equal(Role.Content, sample.Parts[0].Role);
            Assert.Equal(Role.Instruction, sample.Parts[1].Role);
            Assert.Equal(Role.Target, sample.Parts[2].Role);
            long inside = 0, changed = 0;
            for (var i = 0; i < source.Width * source.Height; i++)
            {
                var same = source.Pixels.AsSpan(i * 4, 4).SequenceEqual(target.Pixels.AsSpan(i * 4, 4));
                if (mask.Pixels[i * 4] == 0)
                {
                    Assert.True(same, $"{sample.Source}: pixel {i} outside the mask changed");
                }
                else
                {
                    inside++;
                    changed += same ? 0 : 1;
                }
            }

            Assert.Equal((long)meta["area"]!, inside);
            Assert.True(changed > 0.9 * inside, $"{sample.Source}: {changed} of {inside} pixels inside changed");
        }
    }

    [Fact]
    public async Task Output_is_byte_identical_for_any_worker_count()
    {
        await RunAsync("coco/instances.json", AllOps(), "one", workers: 1);
        await RunAsync("coco/instances.json", AllOps(), "four", workers: 4);

        var one = Directory.GetFiles(_temp.Combine("one"), "*", SearchOption.AllDirectories).Select(path => Path.GetRelativePath(_temp.Combine("one"), path)).Order(StringComparer.Ordinal).ToList();
        var four = Directory.GetFiles(_temp.Combine("four"), "*", SearchOption.AllDirectories).Select(path => Path.GetRelativePath(_temp.Combine("four"), path)).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(one, four);
        foreach (var file in one)
        {
            Assert.True(File.ReadAllBytes(_temp.Combine("one", file)).AsSpan().SequenceEqual(File.ReadAllBytes(_temp.Combine("four", file))), file);
        }
    }

    [Fact]
    public async Task Instructions_name_the_colour_in_both_languages_and_sources_stay_byte_identical()
    {
        var (_, samples, _) = await RunAsync("coco/instances.json", new JsonObject { ["images"] = "coco/images", ["ops"] = new JsonArray("paint") }, "out");
        var media = new MediaStore(new LocalStorage(_temp.Combine("out")));

        foreach (var pair in samples.GroupBy(sample => (long)sample.MetaObject()["annotation_id"]!))
        {
            var en = pair.Single(sample => (string)sample.MetaObject()["lang"]! == "en");
            var zh = pair.Single(sample => (string)sample.MetaObject()["lang"]! == "zh");
            var colour = PaintPalette.Named((string)en.MetaObject()["color"]!);
            Assert.Contains(colour.English, ((TextPart)en.Parts[1]).Text, StringComparison.Ordinal);
            Assert.Contains(colour.Chinese, ((TextPart)zh.Parts[1]).Text, StringComparison.Ordinal);
            Assert.Equal(en.Parts[2], zh.Parts[2]);
            var fileName = (string)en.MetaObject()["file_name"]!;
            await using var stored = await media.OpenAsync(((ImagePart)en.Parts[0]).Media);
            using var copy = new MemoryStream();
            await stored.CopyToAsync(copy);
            Assert.Equal(await File.ReadAllBytesAsync(Path.Combine(RepositoryRoot.Samples, "coco", "images", fileName)), copy.ToArray());
        }
    }

    [Fact]
    public async Task Panoptic_segments_and_mask_folders_become_triples_too()
    {
        var (_, panoptic, panopticRejects) = await RunAsync("coco/panoptic.json", new JsonObject { ["images"] = "coco/images", ["ops"] = new JsonArray("paint"), ["languages"] = new JsonArray("en") }, "panoptic");
        var (_, folder, folderRejects) = await RunAsync("masks/labels.tsv", new JsonObject { ["ops"] = new JsonArray("highlight") }, "folder");

        // 4 images: 9 shapes and 4 backgrounds (stuff, named "wall").
        Assert.Equal(13, panoptic.Count);
        Assert.Empty(panopticRejects);
        Assert.Equal(4, panoptic.Count(sample => (string)sample.MetaObject()["category"]! == "wall"));
        Assert.All(panoptic, sample => Assert.Equal("coco_panoptic", (string)sample.MetaObject()["dataset"]!));
        Assert.Equal(8, folder.Count);
        Assert.Equal(new[] { "mask.empty", "mask.missing" }, folderRejects.Select(reject => (string)reject["reason"]!).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Files_that_are_not_annotations_are_rejected_not_fatal()
    {
        await File.WriteAllTextAsync(_temp.Combine("broken.json"), "{\"images\": [");
        await File.WriteAllTextAsync(_temp.Combine("notes.txt"), "hello");

        var (_, samples, rejects) = await RunAsync(_temp.Combine("broken.json"), new JsonObject { ["images"] = "coco/images" }, "broken");
        var (_, _, textRejects) = await RunAsync(_temp.Combine("notes.txt"), new JsonObject { ["images"] = "coco/images" }, "text");

        Assert.Empty(samples);
        Assert.Equal("input.invalid", (string)Assert.Single(rejects)["reason"]!);
        Assert.Equal("input.unsupported_format", (string)Assert.Single(textRejects)["reason"]!);
    }

    private static async Task<RgbaImage> DecodeAsync(MediaStore media, MediaRef reference)
    {
        await using var stream = await media.OpenAsync(reference);
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy);
        return RgbaImage.Decode(copy.ToArray(), long.MaxValue).Image!;
    }

    /// <summary>
    /// A lone surrogate escape in one string (as Python's json.dumps writes it) used to fail the whole COCO file as
    /// input.invalid; it is U+FFFD in that string now, as tiktoken reads it, and every triple is still made.
    /// </summary>
    [Fact]
    public async Task A_lone_surrogate_in_one_string_of_a_COCO_file_costs_no_triple()
    {
        var json = await File.ReadAllTextAsync(Path.Combine(RepositoryRoot.Samples, "coco", "instances.json"));
        var at = json.IndexOf("\"supercategory\":\"shape\"", StringComparison.Ordinal);
        var marked = json[..at] + "\"supercategory\":\"shape \\ud83d\"" + json[(at + "\"supercategory\":\"shape\"".Length)..];
        Assert.NotEqual(json, marked);
        var folder = Directory.CreateDirectory(_temp.Combine("coco")).FullName;
        await File.WriteAllTextAsync(Path.Combine(folder, "instances.json"), marked);

        var options = AllOps();
        options["images"] = Path.Combine(RepositoryRoot.Samples, "coco", "images");
        var (result, samples, rejects) = await RunAsync(Path.Combine(folder, "instances.json"), options, "out");

        Assert.Equal(54, samples.Count);
        Assert.DoesNotContain(rejects, reject => (string)reject["reason"]! == "input.invalid");
        Assert.Equal(1, result.Manifest!.StageStats["00-seg2edit"]["lone_surrogates_replaced"]);
    }

    /// <summary>
    /// The same rule for polygon objects, against the masks pycocotools gives them: each of the 51 polygons of
    /// tests/coco-reference/polygons.json (made by make-expected.py, a transcription of maskApi.c's rleFrPoly
    /// independent of the C# under test) becomes an object on an image of its size; the stored mask must equal
    /// pycocotools' RLE pixel for pixel, and no pixel outside it change in the target.
    /// </summary>
    [Fact]
    public async Task Targets_differ_from_sources_only_inside_the_polygon_mask_pycocotools_gives()
    {
        using var reference = System.Text.Json.JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(RepositoryRoot.Path, "tests", "coco-reference", "polygons.json")));
        var folder = Directory.CreateDirectory(_temp.Combine("polygons", "images")).FullName;
        var random = new Random(14);
        var images = new JsonArray();
        var annotations = new JsonArray();
        var expected = new Dictionary<long, System.Text.Json.JsonElement>();
        var id = 0;
        foreach (var polygon in reference.RootElement.EnumerateArray())
        {
            id++;
            int height = polygon.GetProperty("height").GetInt32(), width = polygon.GetProperty("width").GetInt32();
            var pixels = new byte[width * height * 4];
            random.NextBytes(pixels);
            for (var i = 3; i < pixels.Length; i += 4)
            {
                pixels[i] = 255;
            }

            await File.WriteAllBytesAsync(Path.Combine(folder, $"{id}.png"), new RgbaImage(width, height, pixels).EncodeLossless());
            images.Add(new JsonObject { ["id"] = id, ["file_name"] = $"{id}.png", ["width"] = width, ["height"] = height });
            annotations.Add(new JsonObject { ["id"] = id, ["image_id"] = id, ["category_id"] = 1, ["iscrowd"] = 0, ["segmentation"] = new JsonArray(JsonNode.Parse(polygon.GetProperty("polygon").GetRawText())) });
            expected[id] = System.Text.Json.JsonDocument.Parse($"{{\"size\": [{height}, {width}], \"counts\": {polygon.GetProperty("counts").GetRawText()}}}").RootElement;
        }

        var coco = new JsonObject { ["images"] = images, ["annotations"] = annotations, ["categories"] = new JsonArray(new JsonObject { ["id"] = 1, ["name"] = "cup" }) };
        await File.WriteAllTextAsync(_temp.Combine("polygons", "instances.json"), coco.ToJsonString());
        var options = new JsonObject { ["images"] = folder, ["ops"] = new JsonArray("highlight"), ["languages"] = new JsonArray("en"), ["min_area"] = 1 };

        var (_, samples, _) = await RunAsync(_temp.Combine("polygons", "instances.json"), options, "polygons-out");

        var media = new MediaStore(new LocalStorage(_temp.Combine("polygons-out")));
        foreach (var sample in samples)
        {
            var meta = sample.MetaObject();
            var annotation = (long)meta["annotation_id"]!;
            var source = await DecodeAsync(media, ((ImagePart)sample.Parts[0]).Media);
            var target = await DecodeAsync(media, ((ImagePart)sample.Parts[2]).Media);
            var stored = await DecodeAsync(media, new MediaRef((string)meta["mask"]!["sha256"]!, "image/png"));
            var mask = DecodeRle(expected[annotation], source.Width, source.Height);
            for (var i = 0; i < source.Width * source.Height; i++)
            {
                Assert.True(mask[i] == (stored.Pixels[i * 4] != 0), $"polygon {annotation}: pixel {i} differs from pycocotools' mask");
                if (!mask[i])
                {
                    Assert.True(source.Pixels.AsSpan(i * 4, 4).SequenceEqual(target.Pixels.AsSpan(i * 4, 4)), $"polygon {annotation}: pixel {i} outside the object changed");
                }
            }
        }

        Assert.True(samples.Count >= 40, $"only {samples.Count} of {id} polygon objects became triples");
    }

    /// <summary>
    /// The outside-the-mask rule against a mask the test decodes itself from instances.json, not the stage's stored
    /// one: for every RLE annotation (compressed strings and uncompressed counts), the COCO RLE is decoded here
    /// (pycocotools maskApi.c rleFrString: 6-bit groups, continuation bit 0x20, sign bit 0x10 of the last group,
    /// counts after the second stored as differences; runs alternate from 0 over the pixels in column-major order),
    /// the stored mask must equal it pixel for pixel, and no pixel outside it may change in any target.
    /// </summary>
    [Fact]
    public async Task Targets_differ_from_sources_only_inside_the_RLE_mask_decoded_independently()
    {
        var (_, samples, _) = await RunAsync("coco/instances.json", AllOps(), "out");
        var media = new MediaStore(new LocalStorage(_temp.Combine("out")));
        using var coco = System.Text.Json.JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(RepositoryRoot.Samples, "coco", "instances.json")));
        var rles = coco.RootElement.GetProperty("annotations").EnumerateArray()
            .Where(annotation => annotation.GetProperty("segmentation").ValueKind == System.Text.Json.JsonValueKind.Object)
            .ToDictionary(annotation => annotation.GetProperty("id").GetInt64(), annotation => annotation.GetProperty("segmentation").Clone());
        var checkedTargets = 0;
        foreach (var sample in samples.Where(sample => (string)sample.MetaObject()["lang"]! == "en"))
        {
            var meta = sample.MetaObject();
            if (!rles.TryGetValue((long)meta["annotation_id"]!, out var segmentation))
            {
                continue;
            }

            var source = await DecodeAsync(media, ((ImagePart)sample.Parts[0]).Media);
            var target = await DecodeAsync(media, ((ImagePart)sample.Parts[2]).Media);
            var stored = await DecodeAsync(media, new MediaRef((string)meta["mask"]!["sha256"]!, "image/png"));
            var mask = DecodeRle(segmentation, source.Width, source.Height);
            for (var i = 0; i < source.Width * source.Height; i++)
            {
                Assert.Equal(mask[i], stored.Pixels[i * 4] != 0);
                if (!mask[i])
                {
                    Assert.True(source.Pixels.AsSpan(i * 4, 4).SequenceEqual(target.Pixels.AsSpan(i * 4, 4)), $"{sample.Source}: pixel {i} outside the object changed");
                }
            }

            checkedTargets++;
        }

        Assert.True(checkedTargets >= 12, $"{checkedTargets} targets of RLE objects checked");
    }

    /// <summary>A COCO RLE (compressed string or uncompressed counts) as a row-major boolean mask.</summary>
    private static bool[] DecodeRle(System.Text.Json.JsonElement segmentation, int width, int height)
    {
        var size = segmentation.GetProperty("size");
        Assert.Equal((height, width), (size[0].GetInt32(), size[1].GetInt32()));
        var countsElement = segmentation.GetProperty("counts");
        var counts = new List<long>();
        if (countsElement.ValueKind == System.Text.Json.JsonValueKind.Array)
        {
            counts.AddRange(countsElement.EnumerateArray().Select(count => count.GetInt64()));
        }
        else
        {
            var text = countsElement.GetString()!;
            var position = 0;
            while (position < text.Length)
            {
                long value = 0;
                var shift = 0;
                bool more;
                do
                {
                    var group = text[position++] - 48;
                    value |= (long)(group & 0x1f) << shift;
                    more = (group & 0x20) != 0;
                    shift += 5;
                    if (!more && (group & 0x10) != 0)
                    {
                        value |= -1L << shift;
                    }
                }
                while (more);

                counts.Add(counts.Count > 2 ? value + counts[^2] : value);
            }
        }

        var mask = new bool[width * height];
        long pixel = 0;
        for (var run = 0; run < counts.Count; run++)
        {
            for (long k = 0; k < counts[run]; k++, pixel++)
            {
                if (run % 2 == 1)
                {
                    var (x, y) = (pixel / height, pixel % height); // column-major: down each column first
                    mask[(y * width) + x] = true;
                }
            }
        }

        Assert.Equal((long)width * height, pixel);
        return mask;
    }
}
