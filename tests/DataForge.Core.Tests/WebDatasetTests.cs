using System.Text.Json;
using System.Text.Json.Nodes;
using DataForge.Core.Export;
using DataForge.Core.Model;
using DataForge.Core.Pipeline;
using DataForge.Core.SampleSets;
using DataForge.Core.Storage;
using DataForge.Testing;

namespace DataForge.Core.Tests;

/// <summary>
/// read-webdataset over shards Python's tarfile wrote in img2dataset's layout (samples/webdataset/make-shards.py),
/// brace lists, a truncated shard; export webdataset and back gives the very samples.
/// </summary>
public sealed class WebDatasetTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private Task<(List<Sample> Samples, List<StageReject> Rejects)> ReadAsync(string input, string output) =>
        SourceStageRuns.RunAsync("read-webdataset", new JsonObject { ["inputs"] = new JsonArray(input) }, _temp.Combine(output), RepositoryRoot.Samples);

    [Fact]
    public async Task Img2dataset_shards_named_by_a_brace_list_become_image_caption_samples()
    {
        var (samples, rejects) = await ReadAsync("webdataset/shard-{00000..00001}.tar", "out");

        Assert.Empty(rejects);
        Assert.Equal(10, samples.Count);
        Assert.Equal("000000000", samples[0].Id);
        Assert.Equal([typeof(ImagePart), typeof(TextPart)], samples[0].Parts.Select(part => part.GetType()));
        Assert.Equal("A yellow triangle on a green background.", ((TextPart)samples[0].Parts[1]).Text);
        Assert.Equal("https://example.com/scene-00.png", (string)samples[0].MetaObject()["url"]!);
        Assert.Equal("shard-00001.tar", (string)samples[9].MetaObject()["shard"]!);
        Assert.IsType<ImagePart>(Assert.Single(samples[9].Parts)); // scene-04 has no caption: an image alone
        Assert.Equal(["s-0.tar", "s-1.tar"], BraceExpansion.Expand("s-{0..1}.tar"));
        Assert.Equal(["a-08.tar", "a-09.tar", "a-10.tar", "b-08.tar", "b-09.tar", "b-10.tar"], BraceExpansion.Expand("{a,b}-{08..10}.tar"));
        Assert.Throws<UsageException>(() => BraceExpansion.Expand("s-{0..99999999}.tar"));
        Assert.Throws<UsageException>(() => BraceExpansion.Expand("{0..999}-{0..999}-{0..9}.tar"));
    }

    [Fact]
    public async Task A_truncated_shard_keeps_every_whole_sample_and_says_where_it_stopped()
    {
        var whole = await File.ReadAllBytesAsync(Path.Combine(RepositoryRoot.Samples, "webdataset", "shard-00000.tar"));
        Directory.CreateDirectory(_temp.Combine("cut"));
        // Cut inside the fourth sample's image (the first three samples are whole before it).
        await File.WriteAllBytesAsync(_temp.Combine("cut", "shard.tar"), whole[..(int)(whole.Length * 0.62)]);

        Directory.CreateDirectory(_temp.Combine("empty"));
        await File.WriteAllBytesAsync(_temp.Combine("empty", "zero.tar"), []);
        await File.WriteAllBytesAsync(_temp.Combine("empty", "end-only.tar"), new byte[1024]); // the two zero blocks of an empty archive
        var (none, empty) = await ReadAsync(_temp.Combine("empty"), "empty-out");
        Assert.Empty(none);
        Assert.Equal(2, empty.Count(reject => reject.Reason == "webdataset.empty_sample" && reject.Message == "the shard holds no samples"));

        var (samples, rejects) = await ReadAsync(_temp.Combine("cut", "shard.tar"), "cut-out");

        Assert.InRange(samples.Count, 2, 4);
        Assert.All(samples, sample => Assert.Equal(2, sample.Parts.Length));
        var truncated = Assert.Single(rejects);
        Assert.Equal("webdataset.truncated", truncated.Reason);
        Assert.StartsWith($"after {samples.Count} whole samples", truncated.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Exported_shards_read_back_as_the_same_samples_and_bad_members_are_rejected()
    {
        var (original, _) = await ReadAsync("chats/../webdataset/shard-00000.tar", "first");
        var exported = new LocalStorage(_temp.Combine("exported"));
        var result = await WebDatasetExporter.ExportAsync(new LocalStorage(_temp.Combine("first")), exported, 2, CancellationToken.None);
        Assert.Equal((3, 5L), (result.Shards, result.Samples));

        var (back, rejects) = await ReadAsync(_temp.Combine("exported", "shard-{00000..00002}.tar"), "back");
        Assert.Empty(rejects);
        Assert.Equal(original, back);

        // Two members of one extension, a member without one, an unknown kind, and json that is not an object.
        Directory.CreateDirectory(_temp.Combine("bad"));
        await using (var stream = File.Create(_temp.Combine("bad", "bad.tar")))
        await using (var tar = new System.Formats.Tar.TarWriter(stream))
        {
            async Task Add(string name, string text)
            {
                var entry = new System.Formats.Tar.PaxTarEntry(System.Formats.Tar.TarEntryType.RegularFile, name) { DataStream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(text)) };
                await tar.WriteEntryAsync(entry);
            }

            await Add("a.txt", "one");
            await Add("a.txt", "two");
            await Add("README", "no extension");
            await Add("b.txt", "ok");
            await Add("b.mp4", "video");
            await Add("c.json", "[1]");
            await Add("d.cls", "3");
        }

        var (samples, bad) = await ReadAsync(_temp.Combine("bad", "bad.tar"), "bad-out");
        Assert.Empty(samples);
        Assert.Equal(["webdataset.duplicate_member", "webdataset.empty_sample", "webdataset.invalid_member", "webdataset.unsupported_member", "webdataset.unsupported_member"], bad.Select(reject => reject.Reason).Order(StringComparer.Ordinal));
    }
}
