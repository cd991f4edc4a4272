using DataForge.Core.Storage;
using DataForge.Speech.Audio;
using DataForge.Testing;

namespace DataForge.Speech.Tests;

public sealed class EnergyVadTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task A_long_concatenation_of_clips_splits_at_the_pauses_between_them()
    {
        var folder = Path.Combine(RepositoryRoot.Samples, "speech", "audio");
        var decoder = new FfmpegDecoder(16000, _temp.Path);
        var clips = new List<short[]>();
        foreach (var name in new[] { "cmn-001.wav", "yue-001.wav", "hak-001.wav", "cmn-002.flac" })
        {
            clips.Add((await decoder.DecodeAsync(new LocalStorage(folder), name, CancellationToken.None)).Audio!.Samples);
        }

        // One second of faint noise between clips, as in a long recording.
        var random = new Random(3);
        var joined = new List<short>();
        var boundaries = new List<int>();
        foreach (var clip in clips)
        {
            joined.AddRange(Enumerable.Range(0, 16000).Select(_ => (short)random.Next(-30, 31)));
            boundaries.Add(joined.Count);
            joined.AddRange(clip);
        }

        joined.AddRange(Enumerable.Range(0, 16000).Select(_ => (short)random.Next(-30, 31)));

        var spans = new EnergyVad().Split(new PcmAudio(16000, 1, [.. joined]));

        Assert.Equal(4, spans.Count);
        for (var i = 0; i < 4; i++)
        {
            // Each span holds all of its clip's speech (its loud samples), and nothing of the next clip.
            var firstLoud = boundaries[i] + Array.FindIndex(clips[i], sample => Math.Abs((int)sample) > 1000);
            var lastLoud = boundaries[i] + Array.FindLastIndex(clips[i], sample => Math.Abs((int)sample) > 1000);
            Assert.True(spans[i].Start <= firstLoud && spans[i].End > lastLoud, $"span {i} is {spans[i]}, its speech {firstLoud}..{lastLoud}");
            Assert.True(i == 3 || spans[i].End <= boundaries[i + 1], $"span {i} runs into clip {i + 1}");
        }
    }

    [Fact]
    public void Speech_longer_than_the_maximum_is_cut_into_pieces_within_it()
    {
        var tone = Enumerable.Range(0, 16000 * 70).Select(i => (short)(8000 * Math.Sin(i * 0.05))).ToArray();

        var spans = new EnergyVad(maxSeconds: 30).Split(new PcmAudio(16000, 1, tone));

        Assert.Equal(3, spans.Count);
        Assert.All(spans, span => Assert.True(span.Length <= 30 * 16000));
        Assert.Equal(0, spans[0].Start);
        Assert.Equal(tone.Length, spans[^1].End);
    }
}
