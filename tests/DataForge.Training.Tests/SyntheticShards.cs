using System.Text.Json;
using DataForge.Core;
using DataForge.Packing.Shards;
using Parquet.Serialization;

namespace DataForge.Training.Tests;

/// <summary>
/// Small packed shard sets written the way the packer writes them (Parquet rows + index.json), for a small
/// vocabulary so the tiny model trains in seconds. Documents count upward from a random start modulo the vocabulary
/// (a pattern a model learns quickly); modalities cycle through text, image and audio by document.
/// </summary>
internal static class SyntheticShards
{
    public const int Vocabulary = 64;

    public static ShardRow Row(Random random, int length, params int[] documentLengths)
    {
        var row = new ShardRow
        {
            InputIds = new int[length],
            Labels = new int[length],
            Modality = new int[length],
            PositionIds = new int[length],
            RopeT = new int[length],
            RopeH = new int[length],
            RopeW = new int[length],
        };
        Array.Fill(row.Labels, -100);
        Array.Fill(row.Modality, 255);
        var cu = new List<int> { 0 };
        var at = 0;
        for (var d = 0; d < documentLengths.Length; d++)
        {
            var start = random.Next(Vocabulary);
            for (var i = 0; i < documentLengths[d]; i++, at++)
            {
                row.InputIds[at] = (start + i) % Vocabulary;
                row.Labels[at] = row.InputIds[at];
                row.Modality[at] = d % 3;
                row.PositionIds[at] = row.RopeT[at] = row.RopeH[at] = row.RopeW[at] = i;
            }

            cu.Add(at);
        }

        row.CuSeqlens = [.. cu];
        row.DocIds = [.. Enumerable.Range(0, documentLengths.Length).Select(d => $"doc{d}")];
        return row;
    }

    public static async Task<string> WriteAsync(string folder, int rows, int length = 64, int seed = 1, int? rowGroupSize = null)
    {
        Directory.CreateDirectory(folder);
        var random = new Random(seed);
        var data = Enumerable.Range(0, rows).Select(_ => Row(random, length, length / 2, (length / 2) - 8)).ToList();
        await using (var file = File.Create(Path.Combine(folder, "shard-00000.parquet")))
        {
            await ParquetSerializer.SerializeAsync(data, file, rowGroupSize is { } size ? new Parquet.ParquetOptions { RowGroupSize = size } : null);
        }

        var real = data.Sum(row => (long)row.CuSeqlens[^1]);
        var index = new ShardIndex
        {
            DataForgeVersion = "test",
            SeqLen = length,
            Rows = rows,
            RealTokens = real,
            PadTokens = (rows * length) - real,
            FillRatio = real / (double)(rows * length),
            Documents = rows * 2,
            LossTokens = real,
            TokensByModality = new Dictionary<string, long> { ["text"] = real },
            Tokenizer = new TokenizerInfo("synthetic", Vocabulary, "none", 0, 0, new Dictionary<string, int>()),
            Layout = new LayoutInfo("all", false, false, -100, new Dictionary<string, int> { ["text"] = 0, ["image"] = 1, ["audio"] = 2, ["padding"] = 255 }, 28, 3136, 1003520, 25, "best-fit-decreasing", 20000),
            ConfigHash = "test",
            Files = [new ShardFile("shard-00000.parquet", rows, real, new FileInfo(Path.Combine(folder, "shard-00000.parquet")).Length, DataForge.Core.Hashing.Hashes.Sha256Hex(await File.ReadAllBytesAsync(Path.Combine(folder, "shard-00000.parquet"))))],
        };
        await File.WriteAllTextAsync(Path.Combine(folder, ShardIndex.FileName), JsonSerializer.Serialize(index, DataForgeJson.Compact));
        return folder;
    }
}
