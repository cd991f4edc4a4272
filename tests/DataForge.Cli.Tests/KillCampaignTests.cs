using System.Diagnostics;
using DataForge.Core.SampleSets;
using DataForge.Core.Storage;
using DataForge.Testing;
using Xunit.Abstractions;

namespace DataForge.Cli.Tests;

/// <summary>
/// The kill -9 campaign: each bundled pipeline is killed (SIGKILL, no chance to clean up) at seeded random moments
/// over its whole run — while its tasks stream samples through the stages, while the finishing step packs — sometimes
/// killed again during the rerun, then rerun to the end. Every resumed output must equal an uninterrupted run byte for
/// byte, with each sample id once (none lost, none twice) and no temp file visible to a reader. The test makes a few
/// kills per pipeline; <c>bench/crash.sh</c> sets DATAFORGE_KILLS for a longer campaign and collects the counts.
/// </summary>
public sealed class KillCampaignTests(ITestOutputHelper log) : IDisposable
{
    private const string Finished = "after the end";
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Theory]
    [InlineData("demo", 4)]
    [InlineData("images", 2)]
    [InlineData("text", 2)]
    [InlineData("seg2edit", 3)]
    [InlineData("asr", 2)]
    public async Task Killed_at_random_moments_and_rerun_the_output_equals_an_uninterrupted_run(string pipeline, int kills)
    {
        kills = int.TryParse(Environment.GetEnvironmentVariable("DATAFORGE_KILLS"), out var wanted) ? wanted : kills;
        var file = Path.Combine(RepositoryRoot.Samples, "pipelines", $"{pipeline}.yaml");
        var reference = _temp.Combine("reference");
        var clock = Stopwatch.StartNew();
        var clean = await CliProcess.RunAsync("run", file, "--output", reference, "--tasks", "3", "--workers", "2");
        var duration = clock.Elapsed;
        Assert.True(clean.ExitCode == 0, clean.Stderr);
        var expected = EndToEndTests.Snapshot(reference);
        var expectedIds = await IdsAsync(reference);
        Assert.Equal(expectedIds.Count, expectedIds.Distinct(StringComparer.Ordinal).Count());

        var random = new Random(HashCode.Combine(20261129, pipeline.Length, pipeline[0]));
        var phases = new SortedDictionary<string, int>(StringComparer.Ordinal);
        for (var attempt = 0; attempt < kills; attempt++)
        {
            var output = _temp.Combine($"killed-{attempt}");
            var killsThisRun = random.NextDouble() < 0.3 ? 2 : 1;
            for (var kill = 0; kill < killsThisRun; kill++)
            {
                // Uniform over the run after the runtime's start-up (about a third of these short runs). A first run
                // that ends before its kill is not counted: its output is removed and the next try comes earlier.
                var share = 0.3 + (0.7 * random.NextDouble());
                var phase = await KillAsync(file, output, duration * share);
                while (phase == Finished && kill == 0)
                {
                    Directory.Delete(output, recursive: true);
                    share *= 0.8;
                    phase = await KillAsync(file, output, duration * share);
                }

                if (phase == Finished)
                {
                    break;
                }

                phases[phase] = phases.GetValueOrDefault(phase) + 1;
            }

            var rerun = await CliProcess.RunAsync("run", file, "--output", output, "--tasks", "3", "--workers", "2");
            Assert.True(rerun.ExitCode == 0, rerun.Stderr);
            EndToEndTests.AssertSameFiles(expected, output);
            Assert.Equal(expectedIds, await IdsAsync(output));
            await foreach (var item in new LocalStorage(output).ListAsync())
            {
                Assert.False(item.Path.EndsWith(".tmp", StringComparison.Ordinal), $"{item.Path} is visible to readers");
            }

            Directory.Delete(output, recursive: true);
        }

        log.WriteLine($"kill campaign {pipeline}: {phases.Values.Sum()} kills in {kills} runs ({string.Join(", ", phases.Select(p => $"{p.Key} {p.Value}"))}); reference run {duration.TotalSeconds:F1} s");
    }

    /// <summary>Starts the run, kills it after <paramref name="delay"/>, and says what the run had got to.</summary>
    private static async Task<string> KillAsync(string pipeline, string output, TimeSpan delay)
    {
        using var process = Process.Start(CliProcess.StartInfo(["run", pipeline, "--output", output, "--tasks", "3", "--workers", "2"]))!;
        _ = process.StandardOutput.ReadToEndAsync();
        _ = process.StandardError.ReadToEndAsync();
        var finished = process.WaitForExitAsync();
        var exited = await Task.WhenAny(finished, Task.Delay(delay)) == finished;
        if (!exited)
        {
            // Process.Kill is SIGKILL on Unix: no finally blocks, no disposal, exactly a node dying.
            process.Kill(entireProcessTree: true);
        }

        await process.WaitForExitAsync();
        return Phase(output, exited);
    }

    /// <summary>Where the run was when it died, read from what it had written.</summary>
    private static string Phase(string output, bool exited)
    {
        if (exited || File.Exists(Path.Combine(output, "_SUCCESS")))
        {
            return Finished;
        }

        var tasksDone = Directory.Exists(Path.Combine(output, "_tasks"))
            ? Directory.EnumerateFiles(Path.Combine(output, "_tasks"), "_SUCCESS", SearchOption.AllDirectories).Count()
            : 0;
        return tasksDone switch
        {
            0 when !Directory.Exists(output) => "before any output",
            3 => "finishing (manifest, pack)",
            _ => $"in tasks ({tasksDone} of 3 done)",
        };
    }

    private static async Task<List<string>> IdsAsync(string folder)
    {
        var ids = new List<string>();
        await foreach (var sample in SampleSetReader.ReadAsync(new LocalStorage(folder)))
        {
            ids.Add(sample.Id);
        }

        ids.Sort(StringComparer.Ordinal);
        return ids;
    }
}
