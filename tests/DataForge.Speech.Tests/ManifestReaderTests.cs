using DataForge.Speech.Sources;
using DataForge.Testing;

namespace DataForge.Speech.Tests;

public sealed class ManifestReaderTests
{
    private static async Task<List<(ManifestEntry? Entry, string? Problem, int Line)>> ReadAsync(string text, string name) =>
        await ManifestReader.ReadAsync(new StringReader(text), name).ToListAsync();

    [Fact]
    public async Task The_sample_manifest_reads_whole()
    {
        var rows = await ReadAsync(await File.ReadAllTextAsync(Path.Combine(RepositoryRoot.Samples, "speech", "manifest.tsv")), "manifest.tsv");

        Assert.All(rows, row => Assert.Null(row.Problem));
        Assert.Equal(26, rows.Count);
        Assert.Equal(24, rows.Count(row => File.Exists(Path.Combine(RepositoryRoot.Samples, "speech", row.Entry!.Audio))));
        Assert.Equal("spk-cmn-a", rows[0].Entry!.Speaker);
        Assert.Equal("weather", rows[0].Entry!.Domain);
    }

    [Fact]
    public async Task Jsonl_and_csv_manifests_give_the_same_entries()
    {
        var jsonl = await ReadAsync("{\"audio\": \"a.wav\", \"text\": \"你好\", \"speaker\": \"s1\", \"dialect\": \"yue\", \"start\": 1.5, \"end\": 3}\n", "m.jsonl");
        var csv = await ReadAsync("audio,text,speaker,dialect,start,end\na.wav,你好,s1,yue,1.5,3\n", "m.csv");

        Assert.Equal(jsonl[0].Entry! with { Line = 0 }, csv[0].Entry! with { Line = 0 });
        Assert.Equal(1.5, csv[0].Entry!.Start);
    }

    [Theory]
    [InlineData("m.jsonl", "{\"text\": \"hi\"}\n", "names no audio")]
    [InlineData("m.jsonl", "{broken\n", "not valid JSON")]
    [InlineData("m.jsonl", "[1]\n", "not a JSON object")]
    [InlineData("m.tsv", "audio\ttext\tstart\tend\na.wav\thi\tsoon\t2\n", "must be seconds")]
    [InlineData("m.tsv", "audio\ttext\tstart\tend\na.wav\thi\t3\t2\n", "empty or negative")]
    public async Task Bad_rows_are_problems_with_their_line(string name, string text, string problem)
    {
        var rows = await ReadAsync(text, name);

        var row = Assert.Single(rows);
        Assert.Null(row.Entry);
        Assert.Contains(problem, row.Problem, StringComparison.Ordinal);
    }
}
