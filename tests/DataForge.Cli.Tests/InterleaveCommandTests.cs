using System.Text.Json;
using DataForge.Testing;

namespace DataForge.Cli.Tests;

/// <summary><c>dataforge interleave</c> on the bundled web archive and HTML folder.</summary>
public sealed class InterleaveCommandTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task The_samples_archive_and_html_folder_give_page_ordered_documents_with_reasons_for_the_rest()
    {
        var output = _temp.Combine("web");
        var run = await CliProcess.RunAsync("interleave", "samples/warc", "samples/html", "--out", output);
        Assert.True(run.ExitCode == 0, run.Stderr);

        using var manifest = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(output, "_manifest.json")));
        var stats = manifest.RootElement.GetProperty("stage_stats").GetProperty("00-interleave");
        Assert.Equal(6, stats.GetProperty("pages.read").GetInt64());
        Assert.Equal(3, stats.GetProperty("documents.kept").GetInt64());
        Assert.Equal(9, stats.GetProperty("images.kept").GetInt64());
        // The archive holds the same three pages as the folder: exact duplicates, each with its reason.
        Assert.Equal(3, manifest.RootElement.GetProperty("rejects").GetProperty("by_reason").GetProperty("dedup.exact_duplicate").GetInt64());

        var show = await CliProcess.RunAsync("inspect", output, "--json", "--show", "3");
        using var shown = JsonDocument.Parse(show.Stdout);
        foreach (var sample in shown.RootElement.GetProperty("samples_shown").EnumerateArray())
        {
            var kinds = sample.GetProperty("parts").EnumerateArray().Select(part => part.GetProperty("kind").GetString()).ToList();
            Assert.Equal(["text", "image", "text", "image", "text", "image", "text"], kinds);
            var text = string.Join("\n", sample.GetProperty("parts").EnumerateArray().Where(part => part.GetProperty("kind").GetString() == "text").Select(part => part.GetProperty("text").GetString()));
            Assert.DoesNotContain("cookies", text, StringComparison.Ordinal);
            Assert.DoesNotContain("Buy more shapes", text, StringComparison.Ordinal);
            Assert.DoesNotContain("© 2026", text, StringComparison.Ordinal);
        }
    }
}
