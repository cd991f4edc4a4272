using System.Text.Json;
using DataForge.Testing;

namespace DataForge.Cli.Tests;

/// <summary><c>dataforge seg2edit</c> on the bundled COCO set.</summary>
public sealed class Seg2EditCommandTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task The_samples_coco_set_gives_paint_remove_and_highlight_triples_in_two_languages_and_counted_rejects()
    {
        var output = _temp.Combine("edits");
        var run = await CliProcess.RunAsync("seg2edit", "samples/coco/instances.json", "--images", "samples/coco/images", "--out", output, "--workers", "3");
        Assert.True(run.ExitCode == 0, run.Stderr);
        // 9 objects x paint, remove, highlight x en, zh.
        Assert.Contains("54 in the sample set (54 text, 108 image, 0 audio parts), 10 rejects", run.Stdout, StringComparison.Ordinal);

        using var manifest = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(output, "_manifest.json")));
        var byReason = manifest.RootElement.GetProperty("rejects").GetProperty("by_reason");
        Assert.Equal(2, byReason.GetProperty("refer.ambiguous").GetInt64());
        Assert.Equal(1, byReason.GetProperty("polygon.odd_coordinates").GetInt64());
        var stats = manifest.RootElement.GetProperty("stage_stats").GetProperty("00-seg2edit");
        Assert.All(new[] { "paint", "remove", "highlight" }, op => Assert.Equal(18, stats.GetProperty($"triples.op.{op}").GetInt64()));
        Assert.Equal(27, stats.GetProperty("triples.lang.zh").GetInt64());

        var show = await CliProcess.RunAsync("inspect", output, "--json", "--show", "2");
        using var shown = JsonDocument.Parse(show.Stdout);
        var first = shown.RootElement.GetProperty("samples_shown")[0];
        Assert.Equal(["image", "text", "image"], first.GetProperty("parts").EnumerateArray().Select(part => part.GetProperty("kind").GetString()));
        Assert.Equal(["content", "instruction", "target"], first.GetProperty("parts").EnumerateArray().Select(part => part.GetProperty("role").GetString()));
    }

    [Fact]
    public async Task A_coco_file_without_images_is_a_usage_error()
    {
        var run = await CliProcess.RunAsync("seg2edit", "samples/coco/instances.json", "--out", _temp.Combine("x"));

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--images", run.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_edit_is_a_usage_error()
    {
        var run = await CliProcess.RunAsync("seg2edit", "samples/coco/instances.json", "--images", "samples/coco/images", "--ops", "blur", "--out", _temp.Combine("x"));

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("ops must be some of paint, remove, highlight", run.Stderr, StringComparison.Ordinal);
    }
}
