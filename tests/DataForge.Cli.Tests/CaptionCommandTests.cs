using System.Text.Json;
using DataForge.Testing;

namespace DataForge.Cli.Tests;

/// <summary><c>dataforge caption</c> on the bundled images and on interleaved web documents, with no network.</summary>
public sealed class CaptionCommandTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private static async Task<List<JsonElement>> CaptionsAsync(string set)
    {
        var inspect = await CliProcess.RunAsync("inspect", set, "--json", "--show", "1000");
        var document = JsonDocument.Parse(inspect.Stdout);
        return [.. document.RootElement.GetProperty("samples_shown").EnumerateArray().Where(sample => sample.GetProperty("meta").TryGetProperty("captioner", out _))];
    }

    [Fact]
    public async Task The_image_folder_gets_template_captions_in_both_languages()
    {
        var output = _temp.Combine("captioned");
        var run = await CliProcess.RunAsync("caption", "samples/images", "--out", output, "--lang", "en,zh");
        Assert.True(run.ExitCode == 0, run.Stderr);

        var captions = await CaptionsAsync(output);
        // 12 decodable images (two of the 14 files are broken), 2 kinds, 2 languages.
        Assert.Equal(12 * 2 * 2, captions.Count);
        Assert.Contains(captions, caption => caption.GetProperty("parts")[1].GetProperty("text").GetString()!.StartsWith("一张以", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Interleaved_documents_get_captions_that_use_their_alt_text()
    {
        var web = _temp.Combine("web");
        Assert.Equal(0, (await CliProcess.RunAsync("interleave", "samples/html", "--out", web)).ExitCode);
        var output = _temp.Combine("captioned");
        var run = await CliProcess.RunAsync("caption", web, "--out", output, "--captioner", "template", "fusion");
        Assert.True(run.ExitCode == 0, run.Stderr);

        var captions = await CaptionsAsync(output);
        var fused = captions.Where(caption => caption.GetProperty("meta").GetProperty("kind").GetString() == "fused").ToList();
        Assert.Equal(9, fused.Count);
        Assert.All(fused, caption => Assert.Contains(" image mostly in ", caption.GetProperty("parts")[1].GetProperty("text").GetString(), StringComparison.Ordinal));
        Assert.Contains(captions, caption => caption.GetProperty("parts")[1].GetProperty("text").GetString()!.Contains("Its alt text reads", StringComparison.Ordinal));
    }
}
