using System.Text.Json;
using System.Text.Json.Nodes;
using DataForge.Core.Hashing;
using DataForge.Core.Media;
using DataForge.Core.Model;
using DataForge.Core.Rejects;
using DataForge.Core.SampleSets;
using DataForge.Core.Stages.Contract;
using DataForge.Core.Storage;
using Microsoft.Extensions.Logging;

namespace DataForge.Core.Pipeline;

/// <summary>How to run a pipeline: which tasks (see <see cref="TaskSelection"/>) and how many in parallel.</summary>
public sealed record RunOptions(TaskSelection Tasks, int Workers)
{
    /// <summary>
    /// Where stages that can use an accelerator run (<c>cpu</c> or <c>cuda</c>): like <see cref="Workers"/>, how a run
    /// computes and never what it writes, so it is not part of the configuration hash.
    /// </summary>
    public string Device { get; init; } = "cpu";
}

public sealed record RunResult(string Output, int TasksPlanned, int TasksRun, int TasksSkipped, SampleSetManifest? Manifest);

/// <summary>
/// Runs a pipeline as deterministic tasks (DESIGN.md §4): input files are split into tasks by size (TaskBalancer), each task
/// streams its files through the stages and ends with its own <c>_SUCCESS</c>; finished tasks are skipped on a
/// rerun. When every task is done the run's <c>_manifest.json</c> and <c>_SUCCESS</c> are written.
/// </summary>
public sealed class PipelineRunner(StageRegistry registry, StorageFactory storageFactory, ILogger logger, Func<string, string?>? environment = null, TimeProvider? clock = null)
{
    private readonly TimeProvider _clock = clock ?? TimeProvider.System;

    public async Task<RunResult> RunAsync(PipelineSpec spec, RunOptions options, RunCounters counters, CancellationToken cancellationToken = default)
    {
        if (options.Workers is < 1 or > PipelineSpec.MaxWorkers)
        {
            throw new UsageException($"--workers must be 1..{PipelineSpec.MaxWorkers}, not {options.Workers}");
        }

        var taskCount = options.Tasks.TaskCount ?? spec.Tasks;
        if (taskCount is < 1 or > PipelineSpec.MaxTasks)
        {
            // Every task has a plan slot, a lease and a report: 2^31-1 of them is memory the machine does not have.
            throw new UsageException($"the task count must be 1..{PipelineSpec.MaxTasks:N0} (the largest Kubernetes indexed job), not {taskCount:N0}");
        }

        var effective = spec with { Tasks = taskCount };
        var configHash = ConfigHash(effective);
        var storage = storageFactory.RelativeTo(spec.BaseDirectory);
        var output = storage.Open(spec.Output);

        OutputGuards.Check(effective, registry, storage);
        var plan = await PlanAsync(effective, storage, cancellationToken);
        List<InputFile>[] allInputs = [.. plan.Select(stage => stage.SelectMany(bucket => bucket).OrderBy(file => file.Uri, StringComparer.Ordinal).ToList())];
        counters.TasksPlanned = options.Tasks.TaskIndex is null ? taskCount : 1;
        var selected = options.Tasks.TaskIndex is { } only ? [only] : Enumerable.Range(0, taskCount).ToList();
        counters.InputBytesPlanned = selected.Sum(task => plan.Sum(stage => stage[task].Sum(file => file.Length)));

        await StorageJson.WriteAsync(output, TaskFiles.Plan, new RunPlan(spec.Name, taskCount, configHash), cancellationToken);
        var pending = new List<int>();
        foreach (var task in selected)
        {
            if (await ReadReportAsync(output, task, configHash, cancellationToken) is { } done)
            {
                var fingerprint = TaskBalancer.Fingerprint(plan.Select(stage => stage[task]));
                if (done.InputsSha256 is { } recorded && recorded != fingerprint)
                {
                    throw new DataForgeException(
                        $"task {task} of {output.Uri} finished on other input files than this run gives it (files were added, removed or changed size since); write to a new output or delete it");
                }

                // A process killed between its task's _SUCCESS and the lease's removal leaves the lease behind.
                await output.DeleteAsync(TaskFiles.Lease(task), cancellationToken);
                await output.DeleteAsync(TaskFiles.Failure(task), cancellationToken);
                counters.TaskSkipped();
                logger.LogInformation("task {Task} already done, skipped", task);
            }
            else
            {
                pending.Add(task);
            }
        }

        await Parallel.ForEachAsync(
            pending,
            new ParallelOptions { MaxDegreeOfParallelism = options.Workers, CancellationToken = cancellationToken },
            async (task, token) =>
            {
                await RunTaskAsync(effective, configHash, task, [.. plan.Select(stage => stage[task])], allInputs, output, options, counters, token);
                counters.TaskDone();
            });

        var manifest = await TryFinishAsync(effective, configHash, output, cancellationToken);
        return new RunResult(output.Uri, taskCount, pending.Count, selected.Count - pending.Count, manifest);
    }

    /// <summary>
    /// The hash of everything that decides the output bytes: inputs, task count, stages and their options with
    /// defaults filled in. The output location is not part of it, so a run to Azure equals a run to disk.
    /// </summary>
    public string ConfigHash(PipelineSpec spec)
    {
        var stages = new JsonArray();
        foreach (var stage in spec.Stages)
        {
            var where = stage.Location.ToString();
            var definition = registry.Resolve(stage.Name, where);
            stages.Add(new JsonObject { ["stage"] = stage.Name, ["options"] = definition.Normalize(stage.Options, where) });
        }

        var config = new JsonObject
        {
            ["inputs"] = new JsonArray([.. spec.Inputs.Select(input => JsonValue.Create(input))]),
            ["tasks"] = spec.Tasks,
            ["stages"] = stages,
        };
        return Hashes.Sha256Hex(config.ToJsonString(DataForgeJson.Compact));
    }

    /// <summary>For each stage (empty for non-sources) and each task, the input files that stage reads in that task.</summary>
    private async Task<List<InputFile>[][]> PlanAsync(PipelineSpec spec, StorageFactory storage, CancellationToken cancellationToken)
    {
        var resolver = new InputResolver(storage);
        var plan = new List<InputFile>[spec.Stages.Count][];
        var anySource = false;
        for (var index = 0; index < spec.Stages.Count; index++)
        {
            var stage = spec.Stages[index];
            var where = stage.Location.ToString();
            var definition = registry.Resolve(stage.Name, where);
            plan[index] = [.. Enumerable.Range(0, spec.Tasks).Select(_ => new List<InputFile>())];
            if (!definition.IsSource)
            {
                anySource |= definition.IsWholeRunSource;
                continue;
            }

            anySource = true;
            var inputs = definition.SourceInputs(stage.Options, where) ?? spec.Inputs;
            if (inputs.Count == 0)
            {
                throw new UsageException($"{where}: source stage '{stage.Name}' has no inputs (set 'inputs' at the top of the pipeline or in its options)");
            }

            var files = new List<InputFile>();
            foreach (var input in inputs)
            {
                await foreach (var file in resolver.ExpandAsync(input, cancellationToken))
                {
                    files.Add(file);
                }
            }

            plan[index] = TaskBalancer.Assign(files, spec.Tasks);
        }

        if (!anySource)
        {
            throw new UsageException($"pipeline '{spec.Name}' has no source stage (known sources: {string.Join(", ", registry.Definitions.Where(d => d.IsSource || d.IsWholeRunSource).Select(d => d.Name))})");
        }

        return plan;
    }

    private async Task RunTaskAsync(
        PipelineSpec spec, string configHash, int task, IReadOnlyList<List<InputFile>> inputsByStage, IReadOnlyList<List<InputFile>> allInputsByStage, IStorage output, RunOptions options, RunCounters counters, CancellationToken cancellationToken)
    {
        ScratchFolders.RemoveAbandoned();
        var scratch = ScratchFolders.Create(task);
        var rejectFiles = new List<(RejectFile File, string Path)>();
        await using var lease = await TaskLeaseKeeper.AcquireAsync(output, task, TimeSpan.FromSeconds(TaskFiles.HeartbeatSeconds), _clock, cancellationToken);
        try
        {
            var outputs = new TaskOutputs();
            var media = new MediaStore(output);
            IAsyncEnumerable<Sample> stream = AsyncEnumerable.Empty<Sample>();
            for (var index = 0; index < spec.Stages.Count; index++)
            {
                var stageSpec = spec.Stages[index];
                var rejects = new RejectFile(stageSpec.Name, scratch, () => counters.AddRejects(), registry.Reasons.ContainsKey);
                var slot = $"{index:D2}-{stageSpec.Name}";
                rejectFiles.Add((rejects, $"{SampleSetFiles.RejectsFolder}/{slot}-{task:D5}.jsonl"));
                var stage = registry.Resolve(stageSpec.Name, stageSpec.Location.ToString()).Create(stageSpec.Options, stageSpec.Location.ToString());

                // Inputs the listing refused (FIFOs, devices, symlinks leaving the input, names with a backslash) are
                // this stage's rejects; the stage never sees them, so none can hang it or stop the task.
                foreach (var refused in inputsByStage[index].Where(file => file.Refusal is not null))
                {
                    await rejects.RejectAsync(refused.Uri, refused.Refusal!.Reason, refused.Refusal.Message, cancellationToken);
                }

                var context = new StageContext
                {
                    StageName = stageSpec.Name,
                    StageSlot = slot,
                    TaskIndex = task,
                    TaskCount = spec.Tasks,
                    Inputs = [.. inputsByStage[index].Where(file => file.Refusal is null)],
                    AllInputs = [.. allInputsByStage[index].Where(file => file.Refusal is null)],
                    Output = output,
                    Media = media,
                    Rejects = rejects,
                    Outputs = outputs,
                    Counters = counters,
                    BaseDirectory = spec.BaseDirectory,
                    Environment = environment ?? Environment.GetEnvironmentVariable,
                    ScratchDirectory = scratch,
                    Workers = options.Workers,
                    Device = options.Device,
                    Logger = logger,
                    Clock = _clock,
                    CancellationToken = cancellationToken,
                };
                stream = stage.RunAsync(stream, context);
            }

            await foreach (var _ in stream.WithCancellation(cancellationToken))
            {
                // Sinks do the writing; draining the stream is what drives the pipeline.
            }

            var rejectCounts = new SortedDictionary<string, long>(StringComparer.Ordinal);
            var publishedRejects = new List<string>();
            foreach (var (file, path) in rejectFiles)
            {
                if (await file.PublishAsync(output, path, cancellationToken))
                {
                    publishedRejects.Add(path);
                }

                foreach (var (reason, count) in file.CountsByReason)
                {
                    rejectCounts[reason] = rejectCounts.GetValueOrDefault(reason) + count;
                }
            }

            var files = outputs.Files;
            var parts = new PartCounts();
            foreach (var file in files)
            {
                parts.Add(file.Parts);
            }

            var report = new TaskReport(
                task,
                spec.Tasks,
                configHash,
                inputsByStage.Sum(inputs => inputs.Count),
                files.Sum(file => file.Samples),
                parts,
                [.. files.Select(file => new ManifestFile(file.Name, file.Samples, file.Bytes, file.Sha256))],
                rejectCounts,
                publishedRejects,
                outputs.Extras.Count == 0 ? null : outputs.Extras,
                TaskBalancer.Fingerprint(inputsByStage));
            await StorageJson.WriteAsync(output, SampleSetFiles.TaskSuccess(task), report, cancellationToken);
            await output.DeleteAsync(TaskFiles.Failure(task), cancellationToken);
            logger.LogInformation("task {Task} done: {Samples} samples, {Rejects} rejects", task, report.Samples, rejectCounts.Values.Sum());
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Recorded for `dataforge status` (and --retry-failed); the error still ends this run as before.
            var failure = new TaskFailure(TaskFiles.Redact($"{e.GetType().Name}: {e.Message}"), _clock.GetUtcNow(), Environment.MachineName);
            try
            {
                await StorageJson.WriteAsync(output, TaskFiles.Failure(task), failure, CancellationToken.None);
            }
            catch (Exception recording) when (recording is IOException or DataForgeException)
            {
                logger.LogWarning("task {Task}: could not record its failure ({Error})", task, recording.Message);
            }

            throw;
        }
        finally
        {
            foreach (var (file, _) in rejectFiles)
            {
                await file.DisposeAsync();
            }

            Directory.Delete(scratch, recursive: true);
        }
    }

    /// <summary>The integer counters in the stages' task reports, summed: top-level ones, and those of a nested
    /// <c>stats</c> object (as <c>stats.name</c>); other nested values (a tokenizer's ids) are not counters.</summary>
    private static SortedDictionary<string, IReadOnlyDictionary<string, long>> SumStageStats(IEnumerable<TaskReport> reports)
    {
        var sums = new SortedDictionary<string, SortedDictionary<string, long>>(StringComparer.Ordinal);
        foreach (var report in reports)
        {
            foreach (var (slot, extra) in report.Extras ?? new Dictionary<string, JsonNode>())
            {
                if (extra is not JsonObject fields)
                {
                    continue;
                }

                if (!sums.TryGetValue(slot, out var sum))
                {
                    sums[slot] = sum = new SortedDictionary<string, long>(StringComparer.Ordinal);
                }

                void Add(string name, JsonNode? value)
                {
                    if (value is JsonValue number && number.TryGetValue<long>(out var count))
                    {
                        sum[name] = sum.GetValueOrDefault(name) + count;
                    }
                }

                foreach (var (name, value) in fields)
                {
                    Add(name, value);
                    if (name == "stats" && value is JsonObject nested)
                    {
                        foreach (var (inner, innerValue) in nested)
                        {
                            Add($"{name}.{inner}", innerValue);
                        }
                    }
                }
            }
        }

        return new SortedDictionary<string, IReadOnlyDictionary<string, long>>(
            sums.ToDictionary(pair => pair.Key, pair => (IReadOnlyDictionary<string, long>)pair.Value),
            StringComparer.Ordinal);
    }

    private static async Task<TaskReport?> ReadReportAsync(IStorage output, int task, string configHash, CancellationToken cancellationToken)
    {
        var path = SampleSetFiles.TaskSuccess(task);
        if (!await output.ExistsAsync(path, cancellationToken))
        {
            return null;
        }

        var report = await StorageJson.ReadAsync<TaskReport>(output, path, "a task report", cancellationToken);
        if (report.ConfigHash != configHash)
        {
            throw new DataForgeException(
                $"{output.Uri} holds the output of another configuration (config hash {report.ConfigHash}, this run {configHash}); write to a new output or delete it");
        }

        return report;
    }

    private async Task<SampleSetManifest?> TryFinishAsync(PipelineSpec spec, string configHash, IStorage output, CancellationToken cancellationToken)
    {
        var reports = new List<TaskReport>();
        for (var task = 0; task < spec.Tasks; task++)
        {
            var report = await ReadReportAsync(output, task, configHash, cancellationToken);
            if (report is null)
            {
                logger.LogInformation("task {Task} of {Tasks} not done yet; the run's manifest is written when all are", task, spec.Tasks);
                return null;
            }

            reports.Add(report);
        }

        long mediaObjects = 0, mediaBytes = 0;
        await foreach (var item in output.ListAsync(MediaStore.Folder, cancellationToken))
        {
            mediaObjects++;
            mediaBytes += item.Length;
        }

        var parts = new PartCounts();
        var rejects = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var report in reports)
        {
            parts.Add(report.Parts);
            foreach (var (reason, count) in report.Rejects)
            {
                rejects[reason] = rejects.GetValueOrDefault(reason) + count;
            }
        }

        var manifest = new SampleSetManifest
        {
            DataForgeVersion = DataForgeJson.DataForgeVersion,
            Pipeline = spec.Name,
            ConfigHash = configHash,
            Tasks = spec.Tasks,
            Samples = reports.Sum(report => report.Samples),
            Parts = parts,
            Media = new MediaSummary(mediaObjects, mediaBytes),
            Files = [.. reports.SelectMany(report => report.Files).OrderBy(file => file.Name, StringComparer.Ordinal)],
            Rejects = new RejectSummary(
                rejects.Values.Sum(),
                rejects,
                [.. reports.SelectMany(report => report.RejectFiles).Order(StringComparer.Ordinal)]),
            StageStats = SumStageStats(reports),
        };
        await StorageJson.WriteAsync(output, SampleSetFiles.Manifest, manifest, cancellationToken);
        for (var index = 0; index < spec.Stages.Count; index++)
        {
            var stage = spec.Stages[index];
            var slot = $"{index:D2}-{stage.Name}";
            var where = stage.Location.ToString();
            var extras = reports.Select(report => report.Extras is { } found && found.TryGetValue(slot, out var extra) ? extra : null).ToList();
            await registry.Resolve(stage.Name, where).FinishAsync(new StageFinishContext(stage.Options, where, output, configHash, extras, spec.BaseDirectory, cancellationToken));
        }

        await using (var success = await output.BeginWriteAsync(SampleSetFiles.Success, cancellationToken))
        {
            await success.CommitAsync(cancellationToken);
        }

        return manifest;
    }
}
