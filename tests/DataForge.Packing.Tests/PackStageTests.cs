using System.Buffers.Binary;
using System.Text.Json.Nodes;
using DataForge.Core;
using DataForge.Core.Pipeline;
using DataForge.Core.Stages;
using DataForge.Core.Stages.Contract;
using DataForge.Core.Storage;
using DataForge.Packing.Export;
using DataForge.Packing.Inspect;
using DataForge.Packing.Shards;
using DataForge.Packing.Tokenization;
using DataForge.Testing;
using DuckDB.NET.Data;
using Microsoft.Extensions.Logging.Abstractions;

namespace DataForge.Packing.Tests;

/// <summary>The pack stage through the real runner: shards, index.json, readers, export.</summary>
public sealed class PackStageTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private static PipelineRunner Runner() =>
        new(new StageRegistry([.. CoreStages.All, PackStage.Definition]), new StorageFactory(_ => null, "/"), NullLogger.Instance);

    private string WriteCorpus(int files, int documents)
    {
        var folder = _temp.Combine("corpus");
        Directory.CreateDirectory(folder);
        var random = new Random(7);
        string[] words = ["data", "forge", "混合", "专家", "🚀", "tokens", "pack", "rows", "\n", "'s", "1234", "  "];
        for (var file = 0; file < files; file++)
        {
            File.WriteAllLines(Path.Combine(folder, $"part-{file}.jsonl"), Enumerable.Range(0, documents).Select(doc =>
            {
                var length = (int)Math.Exp(random.NextDouble() * 6);
                var text = string.Concat(Enumerable.Range(0, length).Select(_ => words[random.Next(words.Length)] + " "));
                return new JsonObject { ["id"] = $"f{file}d{doc}", ["text"] = text }.ToJsonString();
            }));
        }

        return folder;
    }

    private static PipelineSpec Spec(string input, string output, int tasks, int seqLen = 256) =>
        new("pack-test", [input], output,
        [
            new StageSpec("read-text", [], new SourceLocation("t", 1, 1)),
            new StageSpec("pack", new JsonObject { ["seq_len"] = seqLen, ["rows_per_shard"] = 7, ["row_group_size"] = 3 }, new SourceLocation("t", 2, 1)),
        ], tasks, "/");

    private static Task<RunResult> Run(PipelineSpec spec, int workers = 2) =>
        Runner().RunAsync(spec, new RunOptions(new TaskSelection(null, null), workers), new RunCounters());

    [Fact]
    public async Task Every_input_token_appears_in_exactly_one_row_and_the_index_adds_up()
    {
        var corpus = WriteCorpus(files: 3, documents: 60);
        var output = _temp.Combine("out");
        await Run(Spec(corpus, output, tasks: 2));

        var storage = new LocalStorage(output);
        var index = await ShardReader.ReadIndexAsync(storage);
        var tokenizer = TiktokenEncoding.TryLoad("cl100k_base")!;
        var session = tokenizer.CreateSession();
        var expected = new Dictionary<string, int[]>();
        foreach (var file in Directory.GetFiles(corpus))
        {
            foreach (var line in File.ReadLines(file))
            {
                var record = JsonNode.Parse(line)!;
                var ids = new List<int>();
                session.Encode(record["text"]!.GetValue<string>(), ids);
                expected[record["id"]!.GetValue<string>()] = [.. ids, 100257];
            }
        }

        var chunks = new Dictionary<string, SortedDictionary<int, int[]>>();
        long rows = 0, real = 0;
        await foreach (var (_, row) in ShardReader.ReadRowsAsync(storage, index))
        {
            rows++;
            Assert.Equal(256, row.InputIds.Length);
            Assert.Equal(256, row.Labels.Length);
            Assert.Equal(0, row.CuSeqlens[0]);
            real += row.CuSeqlens[^1];
            Assert.All(row.Modality[row.CuSeqlens[^1]..], modality => Assert.Equal(255, modality));
            for (var d = 0; d < row.DocIds.Length; d++)
            {
                var parts = row.DocIds[d].Split('#');
                var chunk = parts.Length > 1 ? int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture) : 0;
                Assert.Equal(0, row.PositionIds[row.CuSeqlens[d]]);
                if (!chunks.TryGetValue(parts[0], out var byChunk))
                {
                    chunks[parts[0]] = byChunk = [];
                }

                Assert.True(byChunk.TryAdd(chunk, row.InputIds[row.CuSeqlens[d]..row.CuSeqlens[d + 1]]), $"{row.DocIds[d]} placed twice");
            }
        }

        Assert.Equal(expected.Keys.Order(), chunks.Keys.Order());
        foreach (var (id, ids) in expected)
        {
            Assert.Equal(ids, chunks[id].Values.SelectMany(chunk => chunk));
        }

        Assert.Contains(chunks.Values, byChunk => byChunk.Count > 1);

        Assert.Equal((rows, real), (index.Rows, index.RealTokens));
        Assert.Equal(rows * 256, index.RealTokens + index.PadTokens);
        Assert.Equal(tokenizer.Fingerprint, index.Tokenizer.Fingerprint);
        Assert.True(index.Files.Count > 2, "rows_per_shard 7 rolls several files");
        Assert.All(index.Files, file => Assert.Matches(@"^shard-0000[01]-\d{5}\.parquet$", file.Name));
        var summary = await ShardInspector.SummarizeAsync(storage);
        Assert.Empty(summary.Problems);
    }

    [Fact]
    public async Task Shards_are_byte_identical_whatever_the_number_of_workers()
    {
        var corpus = WriteCorpus(files: 2, documents: 80);
        await Run(Spec(corpus, _temp.Combine("one"), tasks: 1), workers: 1);
        await Run(Spec(corpus, _temp.Combine("many"), tasks: 1), workers: 6);
        foreach (var file in Directory.GetFiles(_temp.Combine("one")).Select(Path.GetFileName))
        {
            Assert.Equal(File.ReadAllBytes(_temp.Combine("one", file!)), File.ReadAllBytes(_temp.Combine("many", file!)));
        }

        Assert.True(File.Exists(_temp.Combine("one", "shard-00000.parquet")));
    }

    [Fact]
    public async Task DuckDB_reads_the_shard_columns_with_the_documented_types()
    {
        var corpus = WriteCorpus(files: 1, documents: 30);
        var output = _temp.Combine("out");
        await Run(Spec(corpus, output, tasks: 1));

        using var connection = new DuckDBConnection("DataSource=:memory:");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"DESCRIBE SELECT * FROM read_parquet('{output}/shard-*.parquet')";
        var columns = new List<string>();
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                columns.Add($"{reader.GetString(0)} {reader.GetString(1)}");
            }
        }

        Assert.Equal(
            ["input_ids INTEGER[]", "labels INTEGER[]", "modality INTEGER[]", "position_ids INTEGER[]", "rope_t INTEGER[]", "rope_h INTEGER[]", "rope_w INTEGER[]", "cu_seqlens INTEGER[]", "doc_ids VARCHAR[]", "media VARCHAR[]"],
            columns);
        command.CommandText = $"SELECT min(len(input_ids)), max(len(input_ids)), bool_and(cu_seqlens[len(cu_seqlens)] <= 256) FROM read_parquet('{output}/shard-*.parquet')";
        using var check = command.ExecuteReader();
        check.Read();
        Assert.Equal((256L, 256L, true), (Convert.ToInt64(check.GetValue(0), System.Globalization.CultureInfo.InvariantCulture), Convert.ToInt64(check.GetValue(1), System.Globalization.CultureInfo.InvariantCulture), check.GetBoolean(2)));
    }

    [Fact]
    public async Task The_Megatron_export_follows_the_indexed_dataset_layout()
    {
        var corpus = WriteCorpus(files: 1, documents: 25);
        var output = _temp.Combine("out");
        await Run(Spec(corpus, output, tasks: 1));
        var storage = new LocalStorage(output);
        var index = await ShardReader.ReadIndexAsync(storage);

        var result = await MegatronExporter.ExportAsync(storage, _temp.Combine("megatron", "data"));

        var idx = await File.ReadAllBytesAsync(_temp.Combine("megatron", "data.idx"));
        Assert.Equal("MMIDIDX\0\0"u8.ToArray(), idx[..9]);
        Assert.Equal(1UL, BinaryPrimitives.ReadUInt64LittleEndian(idx.AsSpan(9)));
        Assert.Equal(4, idx[17]); // int32: cl100k has more than 65535 ids
        var sequences = (int)BinaryPrimitives.ReadUInt64LittleEndian(idx.AsSpan(18));
        var documents = (int)BinaryPrimitives.ReadUInt64LittleEndian(idx.AsSpan(26));
        Assert.Equal((index.Documents, index.Documents + 1), (sequences, documents));
        var sizes = Enumerable.Range(0, sequences).Select(i => BinaryPrimitives.ReadInt32LittleEndian(idx.AsSpan(34 + (4 * i)))).ToArray();
        var pointersAt = 34 + (4 * sequences);
        var pointers = Enumerable.Range(0, sequences).Select(i => BinaryPrimitives.ReadInt64LittleEndian(idx.AsSpan(pointersAt + (8 * i)))).ToArray();
        var documentsAt = pointersAt + (8 * sequences);
        var documentIndex = Enumerable.Range(0, documents).Select(i => BinaryPrimitives.ReadInt64LittleEndian(idx.AsSpan(documentsAt + (8 * i)))).ToArray();
        Assert.Equal(documentsAt + (8 * documents), idx.Length);
        Assert.Equal(Enumerable.Range(0, documents).Select(i => (long)i), documentIndex);
        Assert.True(result.EndsAdded > 0, "the corpus has documents longer than a row, whose chunks get an end token");
        Assert.Equal(index.RealTokens + result.EndsAdded, sizes.Sum());
        Assert.Equal(0, pointers[0]);
        Assert.Equal(pointers[^1] + (sizes[^1] * 4), new FileInfo(_temp.Combine("megatron", "data.bin")).Length);

        // Every document ends with the end-of-document token: Megatron's GPTDataset knows boundaries only from it.
        var bin = await File.ReadAllBytesAsync(_temp.Combine("megatron", "data.bin"));
        for (var sequence = 0; sequence < sequences; sequence++)
        {
            var last = BinaryPrimitives.ReadInt32LittleEndian(bin.AsSpan((int)pointers[sequence] + ((sizes[sequence] - 1) * 4)));
            Assert.Equal(index.Tokenizer.EndOfDocumentId, last);
        }

        // The first sequence is the first document of the first row.
        await foreach (var (_, row) in ShardReader.ReadRowsAsync(storage, index))
        {
            var first = Enumerable.Range(0, sizes[0]).Select(i => BinaryPrimitives.ReadInt32LittleEndian(bin.AsSpan(i * 4))).ToArray();
            Assert.Equal(row.InputIds[..row.CuSeqlens[1]], first.Take(row.CuSeqlens[1]));
            break;
        }

        Assert.Equal(index.RealTokens + result.EndsAdded, result.Tokens);
    }

    [Fact]
    public async Task The_Megatron_export_refuses_a_loss_mask_it_cannot_carry_unless_told_to_drop_it()
    {
        var corpus = WriteCorpus(files: 1, documents: 10);
        var output = _temp.Combine("out");
        var spec = Spec(corpus, output, tasks: 1);
        spec = spec with { Stages = [spec.Stages[0], spec.Stages[1] with { Options = new JsonObject { ["seq_len"] = 256, ["loss"] = "targets" } }] };
        await Run(spec);
        var storage = new LocalStorage(output);

        var error = await Assert.ThrowsAsync<UsageException>(() => MegatronExporter.ExportAsync(storage, _temp.Combine("megatron", "data")));
        Assert.Contains("loss mask (loss: targets", error.Message, StringComparison.Ordinal);
        Assert.Contains("--drop-loss-mask", error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(_temp.Combine("megatron", "data.bin")));

        var result = await MegatronExporter.ExportAsync(storage, _temp.Combine("megatron", "data"), new MegatronExportOptions(DropLossMask: true));
        Assert.True(result.Sequences > 0);
    }

    [Fact]
    public async Task Decoded_rows_show_their_documents_and_special_tokens_as_markers()
    {
        var corpus = WriteCorpus(files: 1, documents: 20);
        var output = _temp.Combine("out");
        await Run(Spec(corpus, output, tasks: 1));
        var storage = new LocalStorage(output);
        var summary = await ShardInspector.SummarizeAsync(storage);
        var decoded = new List<string>();
        for (var row = 0L; row < summary.Rows; row++)
        {
            decoded.Add((await ShardInspector.DecodeRowAsync(storage, row))!);
        }

        var text = string.Join('\n', decoded);
        Assert.Contains("──── document f0d", text, StringComparison.Ordinal);
        Assert.DoesNotContain("<|", text, StringComparison.Ordinal);
        Assert.Contains("⟨endoftext⟩", text, StringComparison.Ordinal);
    }
}
