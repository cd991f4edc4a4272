using DataForge.Testing;

namespace DataForge.Cli.Tests;

/// <summary>The Megatron export on the demo's shards, which hold image placeholders the format cannot carry.</summary>
public sealed class MegatronExportCliTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Shards_with_media_are_refused_by_name_unless_the_placeholders_are_kept_as_ids()
    {
        var output = _temp.Combine("demo");
        Assert.Equal(0, (await CliProcess.RunAsync("run", "samples/pipelines/demo.yaml", "--output", output)).ExitCode);
        var prefix = _temp.Combine("megatron", "demo");

        var refused = await CliProcess.RunAsync("export", "megatron", "--shards", Path.Combine(output, "shards"), "--out", prefix);
        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("image placeholder tokens", refused.Stderr, StringComparison.Ordinal);
        Assert.Contains("--keep-placeholders", refused.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(prefix + ".bin"));

        var kept = await CliProcess.RunAsync("export", "megatron", "--shards", Path.Combine(output, "shards"), "--out", prefix, "--keep-placeholders");
        Assert.True(kept.ExitCode == 0, kept.Stderr);
        Assert.True(File.Exists(prefix + ".bin") && File.Exists(prefix + ".idx"));
    }
}
