using System.Text.Json;
using System.Text.Json.Nodes;
using DataForge.Core.Model;
using DataForge.Core.Pipeline;
using DataForge.Core.SampleSets;
using DataForge.Core.Storage;
using DataForge.Testing;

namespace DataForge.Core.Tests;

/// <summary>
/// .zst wherever text is read, against files the zstd tool wrote (tests/zstd-reference), and Hugging Face Parquet
/// with embedded image bytes, against the file pyarrow wrote (samples/tables/make-hf-parquet.py).
/// </summary>
public sealed class ZstdAndParquetTableTests : IDisposable
{
    private static string Reference => Path.Combine(RepositoryRoot.Path, "tests", "zstd-reference");

    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private Task<(List<Sample> Samples, List<StageReject> Rejects)> RunAsync(string stage, JsonObject options, string output) =>
        SourceStageRuns.RunAsync(stage, options, _temp.Combine(output), RepositoryRoot.Samples);

    [Fact]
    public async Task Zstd_json_lines_and_json_read_as_their_plain_text_and_a_cut_or_damaged_file_is_input_corrupt()
    {
        var expected = File.ReadLines(Path.Combine(Reference, "records.jsonl")).Select(line => (string)JsonNode.Parse(line)!["text"]!).ToList();

        var (text, none) = await RunAsync("read-text", new JsonObject { ["inputs"] = new JsonArray(Path.Combine(Reference, "records.jsonl.zst")) }, "text");
        Assert.Empty(none);
        Assert.Equal(expected, text.Select(sample => ((TextPart)sample.Parts[0]).Text));

        var (table, _) = await RunAsync("read-table", new JsonObject { ["inputs"] = new JsonArray(Path.Combine(Reference, "records.json.zst")) }, "table");
        Assert.Equal(expected.Take(20), table.Select(sample => ((TextPart)sample.Parts[0]).Text));
        var (array, _) = await RunAsync("read-text", new JsonObject { ["inputs"] = new JsonArray(Path.Combine(Reference, "records.json.zst")) }, "array");
        Assert.Equal(expected.Take(20), array.Select(sample => ((TextPart)sample.Parts[0]).Text));

        var whole = await File.ReadAllBytesAsync(Path.Combine(Reference, "records.jsonl.zst"));
        Directory.CreateDirectory(_temp.Combine("bad"));
        await File.WriteAllBytesAsync(_temp.Combine("bad", "cut.jsonl.zst"), whole[..(whole.Length - 10)]);
        var flipped = (byte[])whole.Clone();
        flipped[whole.Length / 2] ^= 0x55;
        await File.WriteAllBytesAsync(_temp.Combine("bad", "flipped.jsonl.zst"), flipped);
        await File.WriteAllBytesAsync(_temp.Combine("bad", "zero.jsonl.zst"), []);
        var (kept, rejects) = await RunAsync("read-text", new JsonObject { ["inputs"] = new JsonArray(_temp.Combine("bad")) }, "bad-out");
        Assert.Equal(3, rejects.Count(reject => reject.Reason == "input.corrupt"));
        Assert.All(kept, sample => Assert.Contains(((TextPart)sample.Parts[0]).Text, expected));
    }

    [Fact]
    public async Task A_hugging_face_parquet_with_embedded_image_bytes_gives_image_caption_samples_with_splits()
    {
        var (samples, rejects) = await RunAsync("read-table", new JsonObject { ["inputs"] = new JsonArray("tables/captions-hf.parquet"), ["images"] = "images" }, "hf");

        Assert.Equal(8, samples.Count);
        Assert.All(samples, sample => Assert.Equal([typeof(ImagePart), typeof(TextPart)], sample.Parts.Select(part => part.GetType())));
        Assert.Equal((431, 362), (((ImagePart)samples[0].Parts[0]).Width, ((ImagePart)samples[0].Parts[0]).Height));
        Assert.Equal("A yellow triangle on a green background.", ((TextPart)samples[0].Parts[1]).Text);
        Assert.Equal(["dev", "dev", "train", "train", "train", "train", "train", "train"], samples.Select(sample => sample.Split!).Order(StringComparer.Ordinal));
        Assert.Equal(["table.image_missing", "table.row_incomplete"], rejects.Select(reject => reject.Reason).Order(StringComparer.Ordinal));
        Assert.Contains(rejects, reject => reject.Message.EndsWith("images/never-shipped.jpg does not exist", StringComparison.Ordinal));

        // A zero-byte Parquet file, one cut in half, and text named .parquet: each input.corrupt, no trace.
        var whole = await File.ReadAllBytesAsync(Path.Combine(RepositoryRoot.Samples, "tables", "captions-hf.parquet"));
        Directory.CreateDirectory(_temp.Combine("badpq"));
        await File.WriteAllBytesAsync(_temp.Combine("badpq", "zero.parquet"), []);
        await File.WriteAllBytesAsync(_temp.Combine("badpq", "half.parquet"), whole[..(whole.Length / 2)]);
        await File.WriteAllTextAsync(_temp.Combine("badpq", "text.parquet"), "caption,image\na,b.jpg\n");
        var (nothing, corrupt) = await RunAsync("read-table", new JsonObject { ["inputs"] = new JsonArray(_temp.Combine("badpq")) }, "badpq-out");
        Assert.Empty(nothing);
        Assert.Equal(3, corrupt.Count(reject => reject.Reason == "input.corrupt" && reject.Message.Contains("not a readable Parquet file", StringComparison.Ordinal)));
    }
}
