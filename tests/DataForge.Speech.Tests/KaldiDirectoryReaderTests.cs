using DataForge.Core.Storage;
using DataForge.Speech.Sources;
using DataForge.Testing;

namespace DataForge.Speech.Tests;

public sealed class KaldiDirectoryReaderTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private async Task<List<(ManifestEntry? Entry, string? Problem, int Line)>> ReadAsync(params (string Name, string Text)[] files)
    {
        foreach (var (name, text) in files)
        {
            await File.WriteAllTextAsync(_temp.Combine(name), text);
        }

        return await KaldiDirectoryReader.ReadAsync(new LocalStorage(_temp.Path), string.Empty).ToListAsync();
    }

    [Fact]
    public async Task Segments_give_times_and_recordings_give_paths()
    {
        var rows = await ReadAsync(
            ("wav.scp", "rec1 audio/rec1.flac\n"),
            ("text", "spk1-u1 深水埗 好 多 舖頭\nspk1-u2 第二句\n"),
            ("utt2spk", "spk1-u1 spk1\nspk1-u2 spk1\n"),
            ("utt2lang", "spk1-u1 yue\nspk1-u2 yue\n"),
            ("segments", "spk1-u1 rec1 0.50 2.25\nspk1-u2 rec1 3 -1\n"));

        Assert.All(rows, row => Assert.Null(row.Problem));
        var first = rows[0].Entry!;
        Assert.Equal(("audio/rec1.flac", "深水埗 好 多 舖頭", "spk1", "yue", 0.5, 2.25, "spk1-u1"), (first.Audio, first.Text, first.Speaker, first.Dialect, first.Start!.Value, first.End!.Value, first.Utterance));
        Assert.Null(rows[1].Entry!.End);
    }

    [Fact]
    public async Task Without_segments_each_utterance_is_a_recording()
    {
        var rows = await ReadAsync(("wav.scp", "u1 /data/u1.wav\n"), ("text", "u1 hello there\n"), ("utt2spk", "u1 s\n"));

        Assert.Equal(("/data/u1.wav", "hello there", null as double?), (rows[0].Entry!.Audio, rows[0].Entry!.Text, rows[0].Entry!.Start));
    }

    [Theory]
    [InlineData("u1 sox a.wav -t wav - |", "", "command or an archive")]
    [InlineData("u1 ark:/data/feats.ark:12", "", "command or an archive")]
    [InlineData("other a.wav", "", "is not in 'wav.scp'")]
    [InlineData("rec a.wav", "u2 rec 0 1\n", "is not in 'segments'")]
    [InlineData("rec a.wav", "u1 rec 2 1\n", "empty or negative")]
    [InlineData("rec a.wav", "u1 rec soon 1\n", "needs 'recording start end'")]
    public async Task Entries_that_cannot_be_resolved_are_problems(string wavScp, string segments, string problem)
    {
        var files = new List<(string, string)> { ("wav.scp", wavScp + "\n"), ("text", "u1 你好\n") };
        if (segments.Length > 0)
        {
            files.Add(("segments", segments));
        }

        var row = Assert.Single(await ReadAsync([.. files]));

        Assert.Null(row.Entry);
        Assert.Contains(problem, row.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_directory_without_text_is_one_problem()
    {
        var row = Assert.Single(await ReadAsync(("wav.scp", "u1 a.wav\n")));

        Assert.Contains("no 'text'", row.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_sample_kaldi_directory_reads_with_one_segment_past_the_end_and_one_command()
    {
        var rows = await KaldiDirectoryReader.ReadAsync(new LocalStorage(Path.Combine(RepositoryRoot.Samples, "speech", "kaldi")), string.Empty).ToListAsync();

        Assert.Equal(5, rows.Count);
        Assert.Equal(4, rows.Count(row => row.Entry is not null));
        Assert.Contains("command", rows.Single(row => row.Entry is null).Problem, StringComparison.Ordinal);
        Assert.All(rows.Where(row => row.Entry is not null), row => Assert.Equal(("spk-yue-d", "yue"), (row.Entry!.Speaker, row.Entry.Dialect)));
    }
}
