using System.IO.Compression;
using System.Text;
using CsCheck;
using DataForge.Core.Stages.ReadText;
using DataForge.Testing;

namespace DataForge.Core.Tests;

/// <summary>read-text against hostile files: decompression bombs, endless lines and invalid UTF-8 are rejects with reasons.</summary>
public sealed class ReadTextGuardTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task A_gzip_bomb_is_rejected_after_the_records_before_it()
    {
        var folder = Directory.CreateDirectory(_temp.Combine("bomb")).FullName;
        await using (var file = File.Create(Path.Combine(folder, "bomb.jsonl.gz")))
        await using (var gz = new GZipStream(file, CompressionLevel.SmallestSize))
        {
            await gz.WriteAsync("{\"text\":\"a real record before the bomb\"}\n"u8.ToArray());
            var zeros = new byte[1 << 20];
            for (var i = 0; i < 64; i++)
            {
                // 64 MiB of one byte: deflate packs it about 1000:1.
                await gz.WriteAsync(zeros);
            }
        }

        var harness = new StageHarness(_temp.Combine("out"), _temp.Combine("scratch"));
        var samples = await harness.RunAsync(new ReadTextStage(new ReadTextOptions()), await StageHarness.InputsAsync(folder));

        Assert.Single(samples);
        var reject = Assert.Single(harness.Rejects.Items);
        Assert.Equal("input.decompression_bomb", reject.Reason);
    }

    [Fact]
    public async Task Oversized_lines_and_invalid_utf8_are_rejected_and_the_lines_around_them_kept()
    {
        var folder = Directory.CreateDirectory(_temp.Combine("lines")).FullName;
        await using (var file = File.Create(Path.Combine(folder, "mixed.jsonl")))
        {
            await file.WriteAsync("{\"text\":\"first\"}\n"u8.ToArray());
            await file.WriteAsync(Encoding.UTF8.GetBytes("{\"text\":\"" + new string('x', 5000) + "\"}\n"));
            await file.WriteAsync("{\"text\":\"bad "u8.ToArray().Concat(new byte[] { 0xC3, 0x28 }).Concat(" bytes\"}\n"u8.ToArray()).ToArray());
            await file.WriteAsync("{\"text\":\"last\"}"u8.ToArray());
        }

        var harness = new StageHarness(_temp.Combine("out"), _temp.Combine("scratch"));
        var samples = await harness.RunAsync(new ReadTextStage(new ReadTextOptions { MaxRecordBytes = 1000 }), await StageHarness.InputsAsync(folder));

        Assert.Equal(["first", "last"], samples.Select(sample => ((DataForge.Core.Model.TextPart)sample.Parts[0]).Text));
        Assert.Equal(["record.too_large", "text.invalid_utf8"], harness.Rejects.Items.Select(item => item.Reason).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void The_line_reader_returns_the_lines_of_any_utf8_text_split_at_any_buffer_size()
    {
        Gen.String[Gen.Char.AlphaNumeric.Select(c => c), 0, 40].Array[0, 30].Sample(lines =>
        {
            var text = string.Join('\n', lines.Select((line, i) => i % 3 == 0 ? line + "\r" : line + "\u00e9\u4e2d"));
            var reader = new BoundedLineReader(new MemoryStream(Encoding.UTF8.GetBytes(text)), 1000);
            var read = new List<string>();
            while (reader.ReadLineAsync(CancellationToken.None).AsTask().Result is { } line)
            {
                read.Add(line.Text!);
            }

            var expected = text.Length == 0 ? [] : text.Split('\n').Select(line => line.TrimEnd('\r')).ToList();
            Assert.Equal(expected, read);
        });
    }

    [Fact]
    public async Task Meta_ids_and_text_read_from_the_bytes_equal_what_system_text_json_nodes_make_of_each_line()
    {
        // Lines with every kind of value, escapes, non-ASCII keys and numbers in forms a re-serialiser could rewrite;
        // the expected meta is JsonNode's (the reader's earlier path): the same bytes.
        string[] lines =
        [
            """{"text":"caf\u00e9 \"q\" \ud83d\ude00","id":"a1","url":"http://x/?a=1&b=<2>","n":1e3,"f":1.50,"big":123456789012345678901234,"neg":-0.0}""",
            """{"id":42,"text":"数字","nested":{"k":[1,"two",null,true,{"deep":"\u2028"}]},"ключ":"значение","esc":"tab\there\u0007"}""",
            """{"text":"id is a float","id":3.5,"arr":[]}""",
            """{"text":"empty id","id":"","obj":{}}""",
            """{"text":"no id"}""",
            "   \u3000  ",
        ];
        var folder = Directory.CreateDirectory(_temp.Combine("meta")).FullName;
        await File.WriteAllTextAsync(Path.Combine(folder, "meta.jsonl"), string.Join("\n", lines) + "\n");
        var harness = new StageHarness(_temp.Combine("out"), _temp.Combine("scratch"));
        var samples = await harness.RunAsync(new ReadTextStage(new ReadTextOptions()), await StageHarness.InputsAsync(folder));

        Assert.Empty(harness.Rejects.Items);
        Assert.Equal(5, samples.Count);
        for (var i = 0; i < samples.Count; i++)
        {
            var node = (System.Text.Json.Nodes.JsonObject)System.Text.Json.Nodes.JsonNode.Parse(lines[i])!;
            var meta = new System.Text.Json.Nodes.JsonObject();
            foreach (var (key, value) in node)
            {
                if (key is not ("text" or "id"))
                {
                    meta[key] = value?.DeepClone();
                }
            }

            Assert.Equal(meta.ToJsonString(DataForgeJson.Compact), samples[i].Meta);
            Assert.Equal(node["text"]!.GetValue<string>(), ((DataForge.Core.Model.TextPart)samples[i].Parts[0]).Text);
        }

        Assert.Equal("a1", samples[0].Id);
        Assert.Equal("42", samples[1].Id);
        Assert.All(samples.Skip(2), sample => Assert.Matches("^[0-9a-f]{16}$", sample.Id));
    }

    [Fact]
    public void Ids_from_a_reused_hasher_are_the_one_shot_ids()
    {
        using var sha256 = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
        foreach (var source in new[] { "file:///a.jsonl#1", "az://c/b.jsonl.gz#123456", "ü/数据.jsonl#7", string.Empty })
        {
            Assert.Equal(DataForge.Core.Model.SampleIds.FromSource(source), DataForge.Core.Model.SampleIds.FromSource(source, sha256));
        }

        // sha256("") is e3b0c442…: the id is its first 16 hex digits (FIPS 180-4's empty-message digest).
        Assert.Equal("e3b0c44298fc1c14", DataForge.Core.Model.SampleIds.FromSource(string.Empty, sha256));
    }
}
