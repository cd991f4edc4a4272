using DataForge.Testing;
using Xunit.Abstractions;

namespace DataForge.Cli.Tests;

/// <summary>
/// `dataforge inspect` over shards from elsewhere, fuzzed in-process: a summary (listing the problems it found), a decoded
/// row, or one error line naming the file, never an internal error.
/// </summary>
public sealed class ShardInspectFuzzTests(ITestOutputHelper log) : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Mutated_shards_are_summarised_or_refused_with_the_files_name()
    {
        var run = await CliProcess.RunAsync("run", "samples/pipelines/demo.yaml", "--output", _temp.Combine("demo"));
        Assert.True(run.ExitCode == 0, run.Stderr);
        var shards = _temp.Combine("demo", "shards");
        var shard = Directory.GetFiles(shards, "*.parquet").Single();
        var original = await File.ReadAllBytesAsync(shard);
        var trials = 0;

        var report = await Fuzzer.RunAsync("Parquet shards (inspect)", [original], 150, 61, async input =>
        {
            var folder = _temp.Combine($"t{Interlocked.Increment(ref trials)}");
            await MutatedShardSet.WriteAsync(folder, shards, Path.GetFileName(shard), input);
            foreach (var arguments in new[] { new[] { "inspect", folder, "--json" }, ["inspect", folder, "--decode", "1"] })
            {
                using var stdout = new StringWriter();
                using var stderr = new StringWriter();
                var code = await DataForgeApp.RunAsync(arguments, stdout, stderr, _ => null);
                // 1 is also a summary that lists problems (bad rows, totals that differ from the index); 2 a --decode
                // row beyond the rows the file holds.
                var clean = !stderr.ToString().Contains("internal error", StringComparison.Ordinal) && !stderr.ToString().Contains("   at ", StringComparison.Ordinal);
                Assert.True(clean && (code is 0 or 1 || (code == 2 && stderr.ToString().StartsWith("error: --decode", StringComparison.Ordinal))), $"exit {code}: {stderr}");
            }

            Directory.Delete(folder, recursive: true);
        });

        report.AssertNone(log);
    }
}
