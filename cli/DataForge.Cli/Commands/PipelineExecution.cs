using System.Globalization;
using DataForge.Core;
using DataForge.Core.Pipeline;
using DataForge.Core.Stages.Contract;
using DataForge.Core.Storage;

namespace DataForge.Cli.Commands;

/// <summary>Runs a pipeline spec with progress display and prints the one-line result; shared by run and the stage commands.</summary>
internal static class PipelineExecution
{
    public static async Task<RunResult> RunAsync(CliContext app, PipelineSpec spec, RunOptions options, bool verbose, CancellationToken cancellationToken)
    {
        var logger = new StderrLogger(app.Stderr, verbose);
        var runner = new PipelineRunner(app.Registry, new StorageFactory(app.Environment, Directory.GetCurrentDirectory()), logger, app.Environment);
        var counters = new RunCounters();
        var result = await ProgressDisplay.RunAsync(counters, app.Stderr, () => runner.RunAsync(spec, options, counters, cancellationToken));
        var summary = result.Manifest is { } manifest
            ? string.Create(CultureInfo.InvariantCulture, $"{counters.SamplesRead} samples read this run, {manifest.Samples} in the sample set ({manifest.Parts.Text} text, {manifest.Parts.Image} image, {manifest.Parts.Audio} audio parts), {manifest.Rejects.Total} rejects")
            : "the run is not complete until every task has finished";
        // Local outputs are shown relative to where the user is, not to the pipeline file.
        var shown = StorageFactory.IsAzure(spec.Output) ? result.Output : Shown(Path.GetFullPath(spec.Output, spec.BaseDirectory));
        await app.Stdout.WriteLineAsync(string.Create(
            CultureInfo.InvariantCulture,
            $"{shown}: {summary}; tasks run {result.TasksRun}, skipped (already done) {result.TasksSkipped}, of {result.TasksPlanned}"));
        return result;
    }

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
