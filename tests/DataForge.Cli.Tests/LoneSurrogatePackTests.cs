using System.Text.Json;
using DataForge.Testing;

namespace DataForge.Cli.Tests;

/// <summary>
/// <c>{"text":"\ud83d"}</c>, as Python's json.dumps writes a lone surrogate, ended pack with an internal error; now
/// every record of tests/json-reference/lone-surrogates.jsonl (text, id and meta) is packed.
/// </summary>
public sealed class LoneSurrogatePackTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Pack_packs_every_record_holding_a_lone_surrogate_and_counts_them()
    {
        var output = _temp.Combine("shards");
        var run = await CliProcess.RunAsync("pack", "tests/json-reference/lone-surrogates.jsonl", "--out", output, "--seq-len", "64");

        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.DoesNotContain("internal error", run.Stderr, StringComparison.Ordinal);
        using var index = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(output, "index.json")));
        Assert.Equal(6, index.RootElement.GetProperty("documents").GetInt64());
        using var manifest = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(output, "_manifest.json")));
        Assert.Equal(6, manifest.RootElement.GetProperty("stage_stats").GetProperty("00-read-text").GetProperty("lone_surrogates_replaced").GetInt64());
    }
}
