using System.Globalization;
using DataForge.Core;
using DataForge.Core.Pipeline;
using DataForge.Core.SampleSets;
using DataForge.Core.Stages.Contract;
using DataForge.Core.Storage;
using DataForge.Packing.Shards;

namespace DataForge.Cli.Commands;

/// <summary>Runs a pipeline spec with progress display and prints the one-line result; shared by run and the stage commands.</summary>
internal static class PipelineExecution
{
    public static async Task<RunResult> RunAsync(CliContext app, PipelineSpec spec, RunOptions options, bool verbose, CancellationToken cancellationToken)
    {
        var logger = new StderrLogger(app.Stderr, verbose);
        var runner = new PipelineRunner(app.Registry, new StorageFactory(app.Environment, Directory.GetCurrentDirectory()), logger, app.Environment);
        var counters = new RunCounters();
        var storage = new StorageFactory(app.Environment, Directory.GetCurrentDirectory());
        var result = await ProgressDisplay.RunAsync(counters, app.Stderr, () => runner.RunAsync(spec, options, counters, cancellationToken), app.Environment);
        // Local outputs are shown relative to where the user is, not to the pipeline file.
        var shown = StorageFactory.IsAzure(spec.Output) ? result.Output : Shown(Path.GetFullPath(spec.Output, spec.BaseDirectory));
        if (result.Manifest is not { } manifest)
        {
            await app.Stdout.WriteLineAsync($"{shown}: the run is not complete until every task has finished; tasks run {result.TasksRun}, skipped (already done) {result.TasksSkipped}, of {result.TasksPlanned}");
            return result;
        }

        // A set of packed shards holds rows, not samples: its index says what it holds (pack prints it), so the sample
        // count of a sample set is not shown as if data were lost.
        var shards = await ShardsWrittenAsync(storage.RelativeTo(spec.BaseDirectory).Open(spec.Output), spec, cancellationToken);
        var held = shards is null
            ? string.Create(CultureInfo.InvariantCulture, $", {manifest.Samples} in the sample set ({manifest.Parts.Text} text, {manifest.Parts.Image} image, {manifest.Parts.Audio} audio parts)")
            : string.Create(CultureInfo.InvariantCulture, $", {shards.Documents} documents in {shards.Rows} packed rows");
        var rejects = Rejects(manifest.Rejects, shown);
        await app.Stdout.WriteLineAsync(string.Create(
            CultureInfo.InvariantCulture,
            $"{shown}: {counters.SamplesRead} samples read this run{held}, {rejects}; tasks run {result.TasksRun}, skipped (already done) {result.TasksSkipped}, of {result.TasksPlanned}"));
        if ((shards?.Rows ?? manifest.Samples) == 0)
        {
            // Never a silent success: an output with nothing in it is a failure that says why.
            throw new DataForgeException(manifest.Rejects.Total > 0
                ? $"nothing was produced: every record was rejected ({rejects})"
                : "nothing was produced: no record was read (no input file matched, or the files hold no records)");
        }

        return result;
    }

    /// <summary>The shard set a pack or mix stage wrote (at the output, or in its <c>path</c> folder), or null.</summary>
    private static async Task<ShardIndex?> ShardsWrittenAsync(IStorage output, PipelineSpec spec, CancellationToken cancellationToken)
    {
        var folders = spec.Stages
            .Where(stage => stage.Name is "pack" or "mix")
            .Select(stage => stage.Options["path"] is System.Text.Json.Nodes.JsonValue path && path.TryGetValue<string>(out var text) ? text : string.Empty)
            .Append(string.Empty)
            .Distinct(StringComparer.Ordinal);
        foreach (var folder in folders)
        {
            var set = folder.Length == 0 ? output : output.At(folder);
            if (await set.ExistsAsync(ShardIndex.FileName, cancellationToken))
            {
                return await ShardReader.ReadIndexAsync(set, cancellationToken);
            }
        }

        return null;
    }

    /// <summary>"3 rejects (2 pack.document_too_long, 1 input.bad_json; in OUT/rejects/)", or "0 rejects".</summary>
    internal static string Rejects(RejectSummary rejects, string shownOutput) => rejects.Total == 0
        ? "0 rejects"
        : string.Create(
            CultureInfo.InvariantCulture,
            $"{rejects.Total} rejects ({string.Join(", ", rejects.ByReason.OrderByDescending(pair => pair.Value).ThenBy(pair => pair.Key, StringComparer.Ordinal).Select(pair => $"{pair.Value} {pair.Key}"))}; in {shownOutput.TrimEnd('/')}/rejects/)");

    /// <summary>
    /// Runs stages given on a command line (a stage command such as <c>interleave</c>) as a one-task pipeline whose
    /// output is <paramref name="outputUri"/>: local paths are taken relative to the current folder.
    /// </summary>
    public static Task<RunResult> RunStagesAsync(CliContext app, string name, IReadOnlyList<StageSpec> stages, string outputUri, int workers, bool verbose, CancellationToken cancellationToken)
    {
        if (workers is < 1 or > PipelineSpec.MaxWorkers)
        {
            throw new UsageException($"--workers must be 1..{PipelineSpec.MaxWorkers}");
        }

        var spec = new PipelineSpec(
            name,
            [],
            StorageFactory.IsAzure(outputUri) ? outputUri : Path.GetFullPath(outputUri),
            stages,
            1,
            Directory.GetCurrentDirectory());
        return RunAsync(app, spec, new RunOptions(new TaskSelection(null, null), workers), verbose, cancellationToken);
    }

    private static string Shown(string path)
    {
        var relative = Path.GetRelativePath(Directory.GetCurrentDirectory(), path);
        return relative.StartsWith("..", StringComparison.Ordinal) ? path : relative;
    }
}
