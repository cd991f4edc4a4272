using DataForge.Core;
using DataForge.Core.Storage;
using DataForge.Testing;
using DataForge.Training.Data;
using Xunit.Abstractions;

namespace DataForge.Training.Tests;

/// <summary>
/// Shards from elsewhere, fuzzed: the trainer's reader either yields rows the model can take or stops with a
/// DataForgeException naming the file, never another exception from the Parquet reader or from bad numbers in a row.
/// </summary>
public sealed class ShardFuzzTests(ITestOutputHelper log) : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Mutated_shards_give_rows_or_a_named_error()
    {
        var source = await SyntheticShards.WriteAsync(_temp.Combine("source"), rows: 12, length: 32, rowGroupSize: 4);
        var shard = await File.ReadAllBytesAsync(Path.Combine(source, "shard-00000.parquet"));
        var trials = 0;

        var report = await Fuzzer.RunAsync("Parquet shards (train reader)", [shard], 400, 41, async input =>
        {
            // A file that does not match its index is refused before parsing: a test of its own below.
            var folder = _temp.Combine($"t{Interlocked.Increment(ref trials)}");
            await MutatedShardSet.WriteAsync(folder, source, "shard-00000.parquet", input);
            try
            {
                var rows = await ShardRows.OpenAsync(new LocalStorage(folder), seed: 1, evalRows: 2, CancellationToken.None, shuffleBufferRows: 4, readTimeout: TimeSpan.FromSeconds(3));
                await foreach (var row in rows.EpochAsync(0))
                {
                    Assert.Null(row.Row.Problem(rows.Index.SeqLen, rows.Index.Tokenizer.VocabSize));
                }

                _ = await rows.EvalAsync(CancellationToken.None);
            }
            finally
            {
                Directory.Delete(folder, recursive: true);
            }
        }, allowed: e => e is DataForgeException);

        report.AssertNone(log);
    }

    [Fact]
    public async Task A_shard_that_is_not_the_file_its_index_describes_is_refused_before_parsing()
    {
        var folder = await SyntheticShards.WriteAsync(_temp.Combine("damaged"), rows: 4, length: 32);
        var shard = Path.Combine(folder, "shard-00000.parquet");
        var bytes = await File.ReadAllBytesAsync(shard);
        bytes[bytes.Length / 2] ^= 0x40;
        await File.WriteAllBytesAsync(shard, bytes);

        var rows = await ShardRows.OpenAsync(new LocalStorage(folder), seed: 1, evalRows: 0, CancellationToken.None);
        var refused = await Assert.ThrowsAsync<DataForgeException>(async () => await rows.EpochAsync(0).ToListAsync());

        Assert.Contains("shard-00000.parquet: sha256 differs from index.json", refused.Message, StringComparison.Ordinal);
    }
}
