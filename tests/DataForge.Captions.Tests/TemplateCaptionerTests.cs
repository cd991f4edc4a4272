using System.Text.Json.Nodes;
using DataForge.Captions.Template;
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

public sealed class TemplateCaptionerTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    /// <summary>An image split into vertical bands of the given colours and widths (fractions of the width).</summary>
    private static byte[] Bands(int width, int height, params (SKColor Colour, double Fraction)[] bands)
    {
        using var bitmap = new SKBitmap(width, height);
        using (var canvas = new SKCanvas(bitmap))
        {
            var x = 0.0;
            foreach (var (colour, fraction) in bands)
            {
                using var paint = new SKPaint { Color = colour };
                canvas.DrawRect((float)x, 0, (float)(width * fraction), height, paint);
                x += width * fraction;
            }
        }

        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    [Theory]
    [InlineData(210, 40, 40, "red")]
    [InlineData(40, 80, 220, "blue")]
    [InlineData(50, 160, 70, "green")]
    [InlineData(240, 215, 40, "yellow")]
    [InlineData(140, 60, 180, "purple")]
    [InlineData(245, 140, 30, "orange")]
    [InlineData(250, 250, 250, "white")]
    [InlineData(10, 10, 10, "black")]
    [InlineData(128, 128, 128, "grey")]
    public void A_single_colour_image_is_named_by_that_colour(byte red, byte green, byte blue, string name)
    {
        var analysis = ImageAnalysis.Analyse(Bands(120, 80, (new SKColor(red, green, blue), 1)));
        Assert.Equal(name, analysis.Colours[0].English);
        Assert.Equal(1.0, analysis.Colours[0].Share, 2);
    }

    [Fact]
    public void Shares_follow_the_areas_and_the_captions_name_the_colours_in_order()
    {
        var analysis = ImageAnalysis.Analyse(Bands(200, 100, (new SKColor(40, 80, 220), 0.7), (new SKColor(240, 215, 40), 0.3)));

        Assert.Equal(["blue", "yellow"], analysis.Colours.Take(2).Select(colour => colour.English));
        Assert.InRange(analysis.Colours[0].Share, 0.62, 0.78);
        Assert.Equal("landscape", analysis.Orientation);
        var context = new ImageContext("a flag", null, ["flag"]);
        Assert.Equal("A landscape image of a flag in blue and yellow. A flag.", TemplateCaptioner.Caption(analysis, context, "short", "en"));
        Assert.StartsWith("A 200×100 landscape image showing a flag. Its main colours are blue (7", TemplateCaptioner.Caption(analysis, context, "dense", "en"), StringComparison.Ordinal);
        Assert.Equal("一张以蓝色和黄色为主的横向图片，画面中有flag。", TemplateCaptioner.Caption(analysis, context, "short", "zh"));
    }

    [Fact]
    public void Captions_are_deterministic()
    {
        var bytes = Bands(90, 160, (SKColors.Red, 0.2), (SKColors.White, 0.5), (SKColors.Black, 0.3));
        var first = ImageAnalysis.Analyse(bytes);
        var second = ImageAnalysis.Analyse(bytes);
        foreach (var kind in new[] { "short", "dense" })
        {
            foreach (var language in new[] { "en", "zh" })
            {
                var context = new ImageContext(null, "nearby", []);
                Assert.Equal(TemplateCaptioner.Caption(first, context, kind, language), TemplateCaptioner.Caption(second, context, kind, language));
            }
        }

        Assert.Equal("portrait", first.Orientation);
    }

    [Theory]
    [InlineData("", "en", "caption.empty")]
    [InlineData("A cat.", "en", "caption.too_short")]
    [InlineData("I'm sorry, I cannot describe this image.", "en", "caption.refusal")]
    [InlineData("抱歉，我无法描述这张图片。", "zh", "caption.refusal")]
    [InlineData("a red ball a red ball a red ball on the grass", "en", "caption.repetitive")]
    [InlineData("A photograph of a red ball on green grass.", "zh", "caption.wrong_language")]
    [InlineData("一只红色的球放在绿色的草地上。", "en", "caption.wrong_language")]
    [InlineData("A photograph of a red ball on green grass.", "en", null)]
    [InlineData("一只红色的球放在绿色的草地上。", "zh", null)]
    public void Caption_filters_name_the_problem(string caption, string language, string? reason) =>
        Assert.Equal(reason, CaptionFilters.Check(caption, language, 10)?.Reason);

    [Fact]
    public async Task The_caption_stage_adds_one_labelled_caption_sample_per_image_kind_and_language()
    {
        var folder = _temp.Combine("images");
        Directory.CreateDirectory(folder);
        await File.WriteAllBytesAsync(Path.Combine(folder, "a.png"), Bands(160, 120, (new SKColor(210, 40, 40), 1)));
        await File.WriteAllBytesAsync(Path.Combine(folder, "b.png"), Bands(120, 160, (new SKColor(40, 80, 220), 1)));
        await File.WriteAllTextAsync(Path.Combine(folder, "b.txt"), "A blue card.");
        var options = new JsonObject { ["languages"] = new JsonArray("en", "zh"), ["insert_into_documents"] = true };
        var spec = new PipelineSpec(
            "caption",
            [folder],
            _temp.Combine("out"),
            [new StageSpec("read-images", [], new SourceLocation("t", 1, 1)), new StageSpec("caption", options, new SourceLocation("t", 2, 1)), new StageSpec("write", [], new SourceLocation("t", 3, 1))],
            1,
            "/");
        await PipelineRuns.RunAsync(spec, [CaptionStage.Definition]);

        var samples = await SampleSetReader.ReadAsync(new LocalStorage(_temp.Combine("out"))).ToListAsync();
        var captions = samples.Where(sample => sample.MetaObject()["captioner"] is not null).ToList();
        Assert.Equal(2 * 2 * 2, captions.Count);
        Assert.All(captions, caption => Assert.Equal(["image", "text"], caption.Parts.Select(part => part.Kind)));
        Assert.All(captions, caption => Assert.Equal(Role.Target, caption.Parts[1].Role));
        var red = captions.Single(caption => caption.MetaObject()["kind"]!.GetValue<string>() == "short" && caption.MetaObject()["lang"]!.GetValue<string>() == "en" && caption.Source.EndsWith("a.png", StringComparison.Ordinal));
        Assert.Equal("A landscape image in red.", ((TextPart)red.Parts[1]).Text);
        var originalB = samples.Single(sample => sample.MetaObject()["captioner"] is null && sample.Source.EndsWith("b.png", StringComparison.Ordinal));
        Assert.Equal(["image", "text", "text"], originalB.Parts.Select(part => part.Kind));
        Assert.Equal((Role.Context, "A portrait image in blue."), (originalB.Parts[1].Role, ((TextPart)originalB.Parts[1]).Text));
        var dense = captions.Single(caption => caption.MetaObject()["kind"]!.GetValue<string>() == "dense" && caption.MetaObject()["lang"]!.GetValue<string>() == "en" && caption.Source.EndsWith("b.png", StringComparison.Ordinal));
        Assert.EndsWith("Nearby text: \"A blue card.\"", ((TextPart)dense.Parts[1]).Text, StringComparison.Ordinal);
    }
}
