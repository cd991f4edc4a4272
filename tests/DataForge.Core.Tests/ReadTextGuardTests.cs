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
}
