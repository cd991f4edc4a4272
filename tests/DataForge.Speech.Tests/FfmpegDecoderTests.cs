using DataForge.Core.Storage;
using DataForge.Speech.Audio;
using DataForge.Testing;
using FFMpegCore;

namespace DataForge.Speech.Tests;

public sealed class FfmpegDecoderTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    public static TheoryData<string> Clips() =>
        [.. Directory.GetFiles(Path.Combine(RepositoryRoot.Samples, "speech", "audio")).Select(path => Path.GetFileName(path)).Where(name => !name.StartsWith("bad-", StringComparison.Ordinal)).Order(StringComparer.Ordinal)];

    [Theory]
    [MemberData(nameof(Clips))]
    public async Task Every_container_rate_and_layout_becomes_16_khz_mono_of_the_same_duration(string clip)
    {
        var folder = Path.Combine(RepositoryRoot.Samples, "speech", "audio");
        var probe = await FFProbe.AnalyseAsync(Path.Combine(folder, clip));

        var (audio, error) = await new FfmpegDecoder(16000, _temp.Path).DecodeAsync(new LocalStorage(folder), clip, CancellationToken.None);
        // The source's own length is its samples at its own rate: container durations of lossy files (mp3, m4a) count
        // the encoder's padding, which decoders trim.
        var native = probe.PrimaryAudioStream!.SampleRateHz ?? throw new InvalidOperationException($"{clip} has no sample rate");
        var (source, sourceError) = await new FfmpegDecoder(native, _temp.Path).DecodeAsync(new LocalStorage(folder), clip, CancellationToken.None);

        Assert.Null(error);
        Assert.Null(sourceError);
        Assert.Equal(16000, audio!.SampleRate);
        Assert.Equal(1, audio.Channels);
        Assert.True(Math.Abs(audio.DurationSeconds - source!.DurationSeconds) < 0.02, $"{clip}: {audio.DurationSeconds} s decoded, {source.DurationSeconds} s at the source's {native} Hz");
        Assert.True(Math.Abs(audio.DurationSeconds - probe.Duration.TotalSeconds) < 0.1, $"{clip}: {audio.DurationSeconds} s decoded, the container says {probe.Duration.TotalSeconds} s");
        Assert.Contains(audio.Samples, sample => Math.Abs((int)sample) > 1000);
    }

    [Theory]
    [MemberData(nameof(Clips))]
    public async Task Remote_objects_streamed_through_a_pipe_decode_to_the_same_samples_as_local_files(string clip)
    {
        var folder = Path.Combine(RepositoryRoot.Samples, "speech", "audio");
        var decoder = new FfmpegDecoder(16000, _temp.Path);

        var (local, _) = await decoder.DecodeAsync(new LocalStorage(folder), clip, CancellationToken.None);
        var (remote, error) = await decoder.DecodeAsync(new RemoteLike(new LocalStorage(folder)), clip, CancellationToken.None);

        Assert.Null(error);
        Assert.Equal(local!.Samples, remote!.Samples);
        Assert.Empty(Directory.GetFiles(_temp.Path));
    }

    /// <summary>Storage that is not local, so the decoder cannot hand ffmpeg a path (as with Azure).</summary>
    private sealed class RemoteLike(IStorage inner) : IStorage
    {
        public string Uri => "remote://" + inner.Uri;

        public Task<bool> ExistsAsync(string path, CancellationToken cancellationToken = default) => inner.ExistsAsync(path, cancellationToken);

        public Task<Stream> OpenReadAsync(string path, CancellationToken cancellationToken = default) => inner.OpenReadAsync(path, cancellationToken);

        public Task<IAtomicWrite> BeginWriteAsync(string path, CancellationToken cancellationToken = default) => inner.BeginWriteAsync(path, cancellationToken);

        public IAsyncEnumerable<StorageItem> ListAsync(string prefix = "", CancellationToken cancellationToken = default) => inner.ListAsync(prefix, cancellationToken);

        public Task DeleteAsync(string path, CancellationToken cancellationToken = default) => inner.DeleteAsync(path, cancellationToken);

        public IStorage At(string subPath) => new RemoteLike(inner.At(subPath));
    }

    [Fact]
    public async Task Undecodable_bytes_are_an_error_not_an_exception()
    {
        await File.WriteAllTextAsync(_temp.Combine("fake.wav"), "this is not audio");

        var (audio, error) = await new FfmpegDecoder(16000, _temp.Path).DecodeAsync(new LocalStorage(_temp.Path), "fake.wav", CancellationToken.None);

        Assert.Null(audio);
        Assert.StartsWith("ffmpeg", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Concurrent_decodes_of_one_clip_all_return_every_sample()
    {
        // FFMpegCore's pipe sink once lost the last 10 KB of a clip when ffmpeg exited before the reader drained the
        // pipe; many concurrent decodes make that timing likely. The expected length is ffmpeg's own output size.
        var folder = Path.Combine(RepositoryRoot.Samples, "speech", "audio");
        var decoder = new FfmpegDecoder(8000, _temp.Path);
        using var expected = new MemoryStream();
        await FfmpegPipe.RunAsync(["-i", Path.Combine(folder, "hak-006.wav"), "-ac", "1", "-ar", "8000", "-f", "s16le", "pipe:1"], null, expected, CancellationToken.None);

        var decodes = await Task.WhenAll(Enumerable.Range(0, 48).Select(_ => Task.Run(() => decoder.DecodeAsync(new LocalStorage(folder), "hak-006.wav", CancellationToken.None))));

        Assert.All(decodes, decode => Assert.Equal(expected.Length / 2, decode.Audio!.Samples.Length));
        Assert.True(expected.Length > 100_000);
    }

    [Fact]
    public async Task Flac_from_the_encoder_decodes_to_the_same_samples()
    {
        var samples = Enumerable.Range(0, 40_000).Select(i => (short)(8000 * Math.Sin(i * 0.05) + (i % 7) * 30)).ToArray();
        var flac = await FlacEncoder.EncodeAsync(new PcmAudio(16000, 1, samples), CancellationToken.None);
        await File.WriteAllBytesAsync(_temp.Combine("tone.flac"), flac);

        var (audio, error) = await new FfmpegDecoder(16000, _temp.Path).DecodeAsync(new LocalStorage(_temp.Path), "tone.flac", CancellationToken.None);

        Assert.Null(error);
        Assert.Equal(samples, audio!.Samples);
    }
}
