using System.Diagnostics;
using System.Text;
using DataForge.Speech.Outputs;
using DataForge.Testing;

namespace DataForge.Speech.Tests;

/// <summary>
/// Kaldi data directories must be sorted as <c>LC_ALL=C sort</c> sorts (utils/validate_data_dir.sh); the peer here is
/// GNU coreutils' sort itself, run on the same ids, not the writer's own comparer.
/// </summary>
public sealed class KaldiOrderTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Ids_are_ordered_as_LC_ALL_C_sort_orders_their_UTF_8_bytes()
    {
        // Characters on both sides of the UTF-16/UTF-8 disagreement: BMP above the surrogates (～ U+FF5E, U+E000,
        // ﬁ U+FB01) and outside the BMP (😀 U+1F600, 𠀀 U+20000), with ASCII, Latin and CJK around them.
        string[] atoms = ["a", "B", "-", "_", "0", "é", "中", "～", "\uE000", "ﬁ", "😀", "𠀀", "spk1", "utt"];
        var random = new Random(17);
        var ids = Enumerable.Range(0, 600)
            .Select(_ => string.Concat(Enumerable.Range(0, random.Next(1, 6)).Select(_ => atoms[random.Next(atoms.Length)])))
            .Distinct(StringComparer.Ordinal)
            .ToList();
        var input = _temp.Combine("ids.txt");
        await File.WriteAllLinesAsync(input, ids, new UTF8Encoding(false));

        var start = new ProcessStartInfo("sort", [input]) { RedirectStandardOutput = true, StandardOutputEncoding = new UTF8Encoding(false), UseShellExecute = false };
        start.Environment["LC_ALL"] = "C";
        using var sort = Process.Start(start)!;
        var sorted = (await sort.StandardOutput.ReadToEndAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        await sort.WaitForExitAsync();
        Assert.Equal(0, sort.ExitCode);

        Assert.Equal(sorted, ids.Order(KaldiOrder.Instance));
        Assert.NotEqual(sorted, ids.Order(StringComparer.Ordinal)); // the set does tell the two orders apart
    }
}
