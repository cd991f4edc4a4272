using System.Text.RegularExpressions;
using DataForge.Testing;

namespace DataForge.Cli.Tests;

/// <summary>
/// Issue 22: progress of one large file moves in input bytes while it is read (not only when it ends), with MB/s, an
/// ETA, documents/s and, for pack, rows and tokens/s written; plain periodic lines when stderr is not a terminal.
/// </summary>
public sealed partial class ProgressCliTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [GeneratedRegex(@"tasks 0/1  (?<read>[\d,]+)/(?<planned>[\d,]+) MB \([\d.]+ MB/s\)  eta \S+  read [\d,]+ \([\d,]+/s\)  rows [\d,]+ \([\d.]+ M tokens/s\)")]
    private static partial Regex Line();

    [Fact]
    public async Task One_large_file_shows_bytes_read_mid_file_with_rate_eta_and_rows_written()
    {
        var corpus = _temp.Combine("big.jsonl");
        await File.WriteAllLinesAsync(corpus, Enumerable.Range(0, 150_000).Select(i => $$"""{"text":"document {{i}}: {{string.Join(' ', Enumerable.Range(0, 20).Select(w => $"w{(i * 7 + w) % 997}"))}}"}"""));
        var pack = await CliProcess.RunAsync(["pack", corpus, "--out", _temp.Combine("out"), "--seq-len", "512", "--workers", "2"], new Dictionary<string, string> { ["DATAFORGE_PROGRESS_SECONDS"] = "0.1" });
        Assert.True(pack.ExitCode == 0, pack.Stderr);
        var lines = pack.Stderr.Split('\n').Select(line => Line().Match(line)).Where(match => match.Success).ToList();
        Assert.True(lines.Count > 0, pack.Stderr);
        Assert.Contains(lines, match => long.Parse(match.Groups["read"].Value.Replace(",", string.Empty, StringComparison.Ordinal), System.Globalization.CultureInfo.InvariantCulture) > 0
            && match.Groups["read"].Value != match.Groups["planned"].Value);
    }
}
