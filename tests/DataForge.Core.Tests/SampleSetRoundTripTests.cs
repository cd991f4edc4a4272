using System.Collections.Immutable;
using CsCheck;
using DataForge.Core.Model;
using DataForge.Core.SampleSets;
using DataForge.Core.Storage;
using DataForge.Testing;

namespace DataForge.Core.Tests;

public sealed class SampleSetRoundTripTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private static readonly MediaRef Png = new(new string('a', 64), "image/png");
    private static readonly MediaRef Wav = new(new string('b', 64), "audio/wav");

    [Fact]
    public async Task Every_part_kind_survives_a_Parquet_round_trip()
    {
        var sample = new Sample(
            "s1",
            "web/page.html",
            [
                new TextPart("context 语境", Role.Context),
                new ImagePart(Png, 640, 480, Role.Content),
                new TextPart("paint it purple", Role.Instruction),
                new AudioPart(Wav, 2.5, 16000, Role.Content),
                new TextPart("target", Role.Target),
            ],
            """{"title":"t"}""",
            "train");

        var back = await RoundTrip([sample], rowGroupSize: 10);

        Assert.Equal([sample], back);
        var image = Assert.IsType<ImagePart>(back[0].Parts[1]);
        Assert.Equal((640, 480, "image/png"), (image.Width, image.Height, image.Media.Mime));
        var audio = Assert.IsType<AudioPart>(back[0].Parts[3]);
        Assert.Equal((2.5, 16000), (audio.DurationSeconds, audio.SampleRate));
    }

    [Fact]
    public async Task A_sample_with_no_parts_and_no_split_round_trips()
    {
        var sample = new Sample("empty", "x", ImmutableArray<Part>.Empty);
        Assert.Equal([sample], await RoundTrip([sample], rowGroupSize: 1));
    }

    [Fact]
    public async Task An_empty_sample_set_file_is_still_a_readable_Parquet_file()
    {
        Assert.Empty(await RoundTrip([], rowGroupSize: 4));
    }

    [Fact]
    public async Task Random_samples_round_trip_across_row_groups()
    {
        await Gen.Select(SampleGenerators.Sample.List[0, 30], Gen.Int[1, 7]).SampleAsync(
            async (samples, rowGroupSize) =>
            {
                var back = await RoundTrip(samples, rowGroupSize);
                Assert.Equal(samples, back);
            },
            iter: 60);
    }

    [Fact]
    public async Task Writing_the_same_samples_twice_gives_the_same_bytes()
    {
        await SampleGenerators.Sample.List[0, 25].SampleAsync(
            async samples =>
            {
                var run = Guid.NewGuid().ToString("N");
                var first = await WriteAsync(new LocalStorage(_temp.Combine(run, "a")), samples, 8);
                var second = await WriteAsync(new LocalStorage(_temp.Combine(run, "b")), samples, 8);
                Assert.Equal(first.Sha256, second.Sha256);
                Assert.Equal(
                    await File.ReadAllBytesAsync(_temp.Combine(run, "a", "part-00000.parquet")),
                    await File.ReadAllBytesAsync(_temp.Combine(run, "b", "part-00000.parquet")));
            },
            iter: 20);
    }

    [Fact]
    public async Task The_reported_checksum_is_the_sha256_of_the_published_file()
    {
        var storage = new LocalStorage(_temp.Combine("c"));
        var info = await WriteAsync(storage, [new Sample("a", "b", [new TextPart("t", Role.Target)])], 4);
        var bytes = await File.ReadAllBytesAsync(_temp.Combine("c", "part-00000.parquet"));
        Assert.Equal(DataForge.Core.Hashing.Hashes.Sha256Hex(bytes), info.Sha256);
        Assert.Equal(bytes.Length, info.Bytes);
        Assert.Equal(1, info.Parts.Text);
    }

    private async Task<List<Sample>> RoundTrip(IReadOnlyList<Sample> samples, int rowGroupSize)
    {
        var storage = new LocalStorage(_temp.Combine(Guid.NewGuid().ToString("N")));
        await WriteAsync(storage, samples, rowGroupSize);
        var back = new List<Sample>();
        await foreach (var sample in SampleSetReader.ReadAsync(storage))
        {
            back.Add(sample);
        }

        return back;
    }

    private static async Task<SampleFileInfo> WriteAsync(IStorage storage, IReadOnlyList<Sample> samples, int rowGroupSize)
    {
        await using var writer = await SampleSetWriter.CreateAsync(storage, SampleSetFiles.PartFile(0), rowGroupSize);
        foreach (var sample in samples)
        {
            await writer.WriteAsync(sample);
        }

        return await writer.CompleteAsync();
    }
}
