using System.IO.Compression;
using System.Text;
using DataForge.Core.Model;
using DataForge.Core.Stages.DedupExact;
using DataForge.Core.Stages.Filter;
using DataForge.Core.Stages.ReadImages;
using DataForge.Core.Stages.ReadText;
using DataForge.Testing;
using Parquet;
using Parquet.Data;
using Parquet.Schema;
using SkiaSharp;

namespace DataForge.Core.Tests;

public sealed class StageTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private StageHarness Harness() => new(_temp.Combine("out"), _temp.Combine("scratch"));

    private static byte[] Png(int width, int height, SKColor color)
    {
        using var bitmap = new SKBitmap(width, height);
        bitmap.Erase(color);
        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    [Fact]
    public async Task Read_images_keeps_real_sizes_captions_and_rejects_corrupt_files_with_reasons()
    {
        var folder = _temp.Combine("images");
        Directory.CreateDirectory(folder);
        await File.WriteAllBytesAsync(Path.Combine(folder, "a.png"), Png(64, 48, SKColors.Red));
        await File.WriteAllTextAsync(Path.Combine(folder, "a.txt"), "  A red rectangle.\n");
        await File.WriteAllBytesAsync(Path.Combine(folder, "b.png"), Png(20, 30, SKColors.Blue));
        var whole = Png(300, 200, SKColors.Green);
        await File.WriteAllBytesAsync(Path.Combine(folder, "cut.png"), whole[..(whole.Length / 2)]);
        await File.WriteAllTextAsync(Path.Combine(folder, "fake.jpg"), "not an image");
        await File.WriteAllTextAsync(Path.Combine(folder, "orphan.txt"), "caption without image");
        await File.WriteAllTextAsync(Path.Combine(folder, "notes.csv"), "a,b");
        var harness = Harness();

        var samples = await harness.RunAsync(new ReadImagesStage(new ReadImagesOptions()), await StageHarness.InputsAsync(folder));

        Assert.Equal(2, samples.Count);
        var a = samples[0];
        var image = Assert.IsType<ImagePart>(a.Parts[0]);
        Assert.Equal((64, 48, "image/png", Role.Content), (image.Width, image.Height, image.Media.Mime, image.Role));
        Assert.Equal(new TextPart("A red rectangle.", Role.Target), a.Parts[1]);
        Assert.Contains("\"caption_kind\":\"sidecar\"", a.Meta, StringComparison.Ordinal);
        Assert.Single(samples[1].Parts);
        Assert.True(await harness.Output.ExistsAsync($"media/{image.Media.Sha256[..2]}/{image.Media.Sha256}.png"));
        Assert.Equal(
            ["cut.png:image.truncated", "fake.jpg:image.corrupt", "notes.csv:input.unsupported_format", "orphan.txt:caption.orphan"],
            harness.Rejects.Items.Select(reject => $"{Path.GetFileName(reject.Input)}:{reject.Reason}").Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Read_images_output_order_is_input_order_whatever_the_workers()
    {
        var folder = _temp.Combine("many");
        Directory.CreateDirectory(folder);
        for (var i = 0; i < 25; i++)
        {
            await File.WriteAllBytesAsync(Path.Combine(folder, $"img-{i:D2}.png"), Png(8 + i, 8 + (i * 3 % 17), new SKColor((byte)(i * 9), 10, 10)));
        }

        var inputs = await StageHarness.InputsAsync(folder);
        var one = await Harness().RunAsync(new ReadImagesStage(new ReadImagesOptions()), inputs, workers: 1);
        var eight = await Harness().RunAsync(new ReadImagesStage(new ReadImagesOptions()), inputs, workers: 8);
        Assert.Equal(one.Select(sample => sample.Source), eight.Select(sample => sample.Source));
        Assert.Equal(inputs.Select(input => input.Uri), one.Select(sample => sample.Source));
    }

    [Fact]
    public async Task Read_text_reads_jsonl_gzip_and_plain_files_and_rejects_bad_lines()
    {
        var folder = _temp.Combine("text");
        Directory.CreateDirectory(folder);
        await File.WriteAllTextAsync(Path.Combine(folder, "a.jsonl"), """
            {"id":"x1","text":"hello","lang":"en","score":0.5}

            {"text":"no id here"}
            {"id":"x3","text":
            [1,2,3]
            {"id":"x5","content":"wrong field"}
            {"id":7,"text":"numeric id"}
            """);
        await using (var gz = new GZipStream(File.Create(Path.Combine(folder, "b.jsonl.gz")), CompressionLevel.Fastest))
        {
            await gz.WriteAsync(Encoding.UTF8.GetBytes("{\"text\":\"压缩的文本\"}\n"));
        }

        await File.WriteAllTextAsync(Path.Combine(folder, "c.txt"), "a whole file is one document");
        var harness = Harness();

        var samples = await harness.RunAsync(new ReadTextStage(new ReadTextOptions()), await StageHarness.InputsAsync(folder));

        Assert.Equal(["hello", "no id here", "numeric id", "压缩的文本", "a whole file is one document"], samples.Select(sample => ((TextPart)sample.Parts[0]).Text));
        Assert.Equal("x1", samples[0].Id);
        Assert.Equal("""{"lang":"en","score":0.5}""", samples[0].Meta);
        Assert.Equal("7", samples[2].Id);
        Assert.EndsWith("a.jsonl#3", samples[1].Source, StringComparison.Ordinal);
        Assert.Equal(16, samples[1].Id.Length);
        Assert.Equal(
            ["a.jsonl#4:jsonl.invalid_json", "a.jsonl#5:jsonl.not_an_object", "a.jsonl#6:text.missing_field"],
            harness.Rejects.Items.Select(reject => $"{Path.GetFileName(reject.Input)}:{reject.Reason}"));
    }

    [Fact]
    public async Task Read_text_reads_a_parquet_text_column_and_keeps_other_columns_as_meta()
    {
        var folder = _temp.Combine("pq");
        Directory.CreateDirectory(folder);
        var schema = new ParquetSchema(new DataField<string>("text"), new DataField<int>("year"));
        await using (var stream = File.Create(Path.Combine(folder, "docs.parquet")))
        await using (var writer = await ParquetWriter.CreateAsync(schema, stream))
        using (var group = writer.CreateRowGroup())
        {
            await group.WriteAsync((DataField)schema[0], new[] { "first", "second" });
            await group.WriteAsync<int>((DataField)schema[1], new[] { 2024, 2025 }.AsMemory());
        }

        var harness = Harness();
        var samples = await harness.RunAsync(new ReadTextStage(new ReadTextOptions()), await StageHarness.InputsAsync(folder));

        Assert.Equal(["first", "second"], samples.Select(sample => ((TextPart)sample.Parts[0]).Text));
        Assert.Equal("""{"year":2025}""", samples[1].Meta);
        Assert.Empty(harness.Rejects.Items);
    }

    [Fact]
    public async Task Read_text_rejects_a_truncated_gzip_file_after_the_records_it_could_read()
    {
        var folder = _temp.Combine("gz");
        Directory.CreateDirectory(folder);
        using var buffer = new MemoryStream();
        await using (var gz = new GZipStream(buffer, CompressionLevel.NoCompression, leaveOpen: true))
        {
            for (var i = 0; i < 2000; i++)
            {
                await gz.WriteAsync(Encoding.UTF8.GetBytes($"{{\"text\":\"record {i} {new string('y', 40)}\"}}\n"));
            }
        }

        await File.WriteAllBytesAsync(Path.Combine(folder, "cut.jsonl.gz"), buffer.ToArray()[..(int)(buffer.Length / 2)]);
        var harness = Harness();

        var samples = await harness.RunAsync(new ReadTextStage(new ReadTextOptions()), await StageHarness.InputsAsync(folder));

        Assert.InRange(samples.Count, 100, 1999);
        var reject = Assert.Single(harness.Rejects.Items);
        Assert.Equal("input.corrupt", reject.Reason);
    }

    [Fact]
    public async Task Filter_rejects_each_sample_with_the_bound_it_breaks()
    {
        var media = new MediaRef(new string('e', 64), "image/png");
        Sample Text(string id, string text) => new(id, "s", [new TextPart(text, Role.Target)]);
        Sample Image(string id, int width, int height) => new(id, "s", [new ImagePart(media, width, height, Role.Content)]);
        var stage = new FilterStage(new FilterOptions { MinTextChars = 3, MaxTextChars = 6, MinWidth = 10, MinHeight = 10, MaxWidth = 100, MaxAspectRatio = 3 });
        var harness = Harness();

        var kept = await harness.RunAsync(stage, samples:
        [
            Text("short", "ab"), Text("ok", "abcd"), Text("long", "abcdefg"), Text("emoji", "🚀🚀🚀"),
            Image("small", 9, 50), Image("big", 101, 50), Image("thin", 90, 20), Image("fine", 50, 40),
        ]);

        Assert.Equal(["ok", "emoji", "fine"], kept.Select(sample => sample.Id));
        Assert.Equal(
            ["short:text.too_short", "long:text.too_long", "small:image.too_small", "big:image.too_large", "thin:image.aspect_ratio"],
            harness.Rejects.Items.Select(reject => $"{reject.Input}:{reject.Reason}"));
    }

    [Fact]
    public async Task Dedup_keeps_the_first_copy_and_names_it_in_the_reject()
    {
        Sample S(string id, string text, Role role = Role.Target) => new(id, "s", [new TextPart(text, role)]);
        var harness = Harness();

        var kept = await harness.RunAsync(new DedupExactStage(new DedupExactOptions()), samples:
            [S("a", "same"), S("b", "other"), S("c", "same"), S("d", "same", Role.Context), S("e", "sa"), S("f", "me")]);

        Assert.Equal(["a", "b", "d", "e", "f"], kept.Select(sample => sample.Id));
        var reject = Assert.Single(harness.Rejects.Items);
        Assert.Equal(("c", "dedup.exact_duplicate", "same content as sample a"), (reject.Input, reject.Reason, reject.Message));
    }

    [Fact]
    public void Dedup_keys_do_not_collide_when_part_boundaries_move()
    {
        var stage = new DedupExactStage(new DedupExactOptions());
        var one = new Sample("1", "s", [new TextPart("ab", Role.Target), new TextPart("c", Role.Target)]);
        var two = new Sample("2", "s", [new TextPart("a", Role.Target), new TextPart("bc", Role.Target)]);
        Assert.NotEqual(stage.ContentKey(one), stage.ContentKey(two));
    }
}
