using DataForge.Testing;

namespace DataForge.Cli.Tests;

/// <summary>The dataset readers as commands: each its stage and a sample-set writer, a bad input a one-line error.</summary>
public sealed class ReaderCommandTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Read_webdataset_read_chat_and_read_table_write_sample_sets_and_export_webdataset_writes_tars()
    {
        var shards = await CliProcess.RunAsync("read-webdataset", Path.Combine(RepositoryRoot.Samples, "webdataset", "shard-{00000..00001}.tar"), "--out", _temp.Combine("wds"));
        Assert.True(shards.ExitCode == 0, shards.Stderr);
        Assert.Contains("10 samples read this run", shards.Stdout, StringComparison.Ordinal);

        var chats = await CliProcess.RunAsync("read-chat", Path.Combine(RepositoryRoot.Samples, "chats"), "--images", Path.Combine(RepositoryRoot.Samples, "images"), "--out", _temp.Combine("chat"));
        Assert.True(chats.ExitCode == 0, chats.Stderr);
        Assert.Contains("8 samples read this run", chats.Stdout, StringComparison.Ordinal);

        var table = await CliProcess.RunAsync("read-table", Path.Combine(RepositoryRoot.Samples, "tables", "captions-hf.parquet"), "--out", _temp.Combine("table"), "--images", Path.Combine(RepositoryRoot.Samples, "images"));
        Assert.True(table.ExitCode == 0, table.Stderr);
        Assert.Contains("8 samples read this run", table.Stdout, StringComparison.Ordinal);

        var export = await CliProcess.RunAsync("export", "webdataset", _temp.Combine("chat"), "--out", _temp.Combine("tars"), "--samples-per-shard", "3");
        Assert.True(export.ExitCode == 0, export.Stderr);
        Assert.Equal(["shard-00000.tar", "shard-00001.tar", "shard-00002.tar"], Directory.GetFiles(_temp.Combine("tars")).Select(Path.GetFileName).Order(StringComparer.Ordinal));

        var missing = await CliProcess.RunAsync("read-webdataset", _temp.Combine("none-{0..1}.tar"), "--out", _temp.Combine("none"));
        Assert.Equal(1, missing.ExitCode);
        Assert.DoesNotContain("internal error", missing.Stderr, StringComparison.OrdinalIgnoreCase);
        Assert.Single(missing.Stderr.Trim().Split('\n'));
    }
}
