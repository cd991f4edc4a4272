using System.Collections.Immutable;
using System.Text.Json.Nodes;
using DataForge.Captions.Template;
using DataForge.Core.Media;
using DataForge.Core.Model;
using DataForge.Core.Pipeline;
using DataForge.Core.SampleSets;
using DataForge.Core.Stages;
using DataForge.Core.Stages.Contract;
using DataForge.Core.Storage;
using DataForge.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using SkiaSharp;

namespace DataForge.Captions.Tests;

public sealed class FusionTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private static byte[] Picture(SKColor colour, int width, int height)
    {
        using var bitmap = new SKBitmap(width, height);
        bitmap.Erase(colour);
        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    [Fact]
    public void Rule_based_fusion_keeps_the_alt_text_verbatim_and_adds_what_the_pixels_show()
    {
        var analysis = ImageAnalysis.Analyse(Picture(new SKColor(240, 215, 40), 300, 200));
        Assert.Equal("The Golden Gate Bridge at dawn, in a landscape image mostly in yellow.", TemplateCaptioner.Fuse(analysis, "the Golden Gate Bridge at dawn.", "en"));
        Assert.Equal("金门大桥，一张以黄色为主的横向图片。", TemplateCaptioner.Fuse(analysis, "金门大桥。", "zh"));
    }

    [Fact]
    public async Task Interleaved_documents_get_fused_captions_for_images_with_alt_text_only()
    {
        // An interleaved document as the interleave stage writes it: image parts with alt text in meta.images.
        var input = new LocalStorage(_temp.Combine("web"));
        var media = new MediaStore(input);
        var bridge = await media.PutAsync(Picture(new SKColor(210, 40, 40), 400, 300), "image/png");
        var sky = await media.PutAsync(Picture(new SKColor(40, 80, 220), 400, 300), "image/png");
        var meta = new JsonObject
        {
            ["url"] = "http://example.org/bridge.html",
            ["images"] = new JsonArray(new JsonObject { ["alt"] = "the Golden Gate Bridge" }, new JsonObject { ["alt"] = null }),
        };
        await using (var writer = await SampleSetWriter.CreateAsync(input, "part-00000.parquet"))
        {
            await writer.WriteAsync(new Sample(
                "doc",
                "http://example.org/bridge.html",
                [new TextPart("A walk across the bridge.", Role.Content), new ImagePart(bridge, 400, 300, Role.Content), new TextPart("And the sky.", Role.Content), new ImagePart(sky, 400, 300, Role.Content)],
                meta.ToJsonString()));
            await writer.CompleteAsync();
        }

        await File.WriteAllTextAsync(_temp.Combine("web", "_SUCCESS"), string.Empty);
        var spec = new PipelineSpec(
            "fuse",
            [_temp.Combine("web")],
            _temp.Combine("out"),
            [
                new StageSpec("read-samples", [], new SourceLocation("t", 1, 1)),
                new StageSpec("caption", new JsonObject { ["captioners"] = new JsonArray("fusion"), ["languages"] = new JsonArray("en", "zh") }, new SourceLocation("t", 2, 1)),
                new StageSpec("write", [], new SourceLocation("t", 3, 1)),
            ],
            1,
            "/");
        var result = await PipelineRuns.RunAsync(spec, [CaptionStage.Definition]);

        var captions = (await SampleSetReader.ReadAsync(new LocalStorage(_temp.Combine("out"))).ToListAsync()).Where(sample => sample.MetaObject()["captioner"] is not null).ToList();
        Assert.Equal(2, captions.Count);
        Assert.All(captions, caption => Assert.Equal("fused", caption.MetaObject()["kind"]!.GetValue<string>()));
        Assert.Equal(
            ["The Golden Gate Bridge, in a landscape image mostly in red.", "the Golden Gate Bridge，一张以红色为主的横向图片。"],
            captions.Select(caption => ((TextPart)caption.Parts[1]).Text).Order(StringComparer.Ordinal));
        Assert.Equal(2, result.Manifest!.StageStats["01-caption"]["fusion_without_alt_text"]);
    }
}
