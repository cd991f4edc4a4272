using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using DataForge.Core;
using DataForge.Core.Pipeline;
using DataForge.Core.Stages.Contract;
using DataForge.Core.Storage;

namespace DataForge.Cli.Commands;

/// <summary>
/// <c>dataforge status OUTPUT [--json] [--retry-failed --pipeline PIPELINE.yaml]</c>: a run's tasks (done, running with
/// its lease's age, stalled, failed with the last error, missing), local or az://; --retry-failed reruns the failed and
/// stalled tasks, one after another, with the run's pipeline.
/// </summary>
public static class StatusCommand
{
    public static Command Create(CliContext app)
    {
        var output = new Argument<string>("OUTPUT") { Description = "a run's output folder or az:// URI" };
        var json = new Option<bool>("--json") { Description = "machine-readable status" };
        var retry = new Option<bool>("--retry-failed") { Description = "rerun the failed and stalled tasks (needs --pipeline)" };
        var pipeline = new Option<FileInfo?>("--pipeline") { Description = "the run's pipeline file (for --retry-failed)" };
        var workers = new Option<int>("--workers") { Description = "parallel work inside a retried task (default: all cores)", DefaultValueFactory = _ => Environment.ProcessorCount };
        var command = new Command("status", "list a run's tasks: done, running, stalled, failed, missing")
        {
            output, json, retry, pipeline, workers,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var uri = parse.GetValue(output)!;
            var storage = new StorageFactory(app.Environment, Directory.GetCurrentDirectory()).Open(uri);
            var status = await RunStatus.ReadAsync(storage, DateTimeOffset.UtcNow, cancellationToken);
            await PrintAsync(app, uri, status, parse.GetValue(json));
            if (!parse.GetValue(retry))
            {
                return status.Tasks.Any(FailedTaskRetry.NeedsRetry) ? DataForgeApp.Failure : DataForgeApp.Success;
            }

            var file = parse.GetValue(pipeline) ?? throw new UsageException("--retry-failed needs --pipeline PIPELINE.yaml, the run's pipeline file");
            var runner = new PipelineRunner(app.Registry, new StorageFactory(app.Environment, Directory.GetCurrentDirectory()), new StderrLogger(app.Stderr, false), app.Environment);
            var plan = FailedTaskRetry.Plan(runner, PipelineFile.Load(file.FullName), file.Name, status, uri);
            foreach (var task in plan.Tasks)
            {
                await app.Stderr.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"retrying task {task}"));
                await PipelineExecution.RunAsync(app, plan.Spec, new RunOptions(new TaskSelection(task, plan.TaskCount), parse.GetValue(workers)), false, cancellationToken);
            }

            return DataForgeApp.Success;
        });
        return command;
    }

    private static async Task PrintAsync(CliContext app, string uri, RunStatus status, bool json)
    {
        if (json)
        {
            var document = new
            {
                output = uri,
                name = status.Plan.Name,
                tasks = status.Plan.Tasks,
                finished = status.Finished,
                counts = status.Tasks.GroupBy(t => t.State).ToDictionary(g => g.Key, g => g.Count()),
                task_states = status.Tasks.Select(t => new { task = t.Task, state = t.State, detail = t.Detail }),
            };
            await app.Stdout.WriteLineAsync(JsonSerializer.Serialize(document, DataForgeJson.Indented));
            return;
        }

        var counts = string.Join(", ", new[] { RunStatus.Done, RunStatus.Running, RunStatus.Stalled, RunStatus.Failed, RunStatus.Missing }
            .Select(state => (state, count: status.Tasks.Count(t => t.State == state))).Where(p => p.count > 0).Select(p => $"{p.count} {p.state}"));
        await app.Stdout.WriteLineAsync($"{uri}: run '{status.Plan.Name}', {status.Plan.Tasks} tasks: {counts}{(status.Finished ? "; finished (_SUCCESS)" : string.Empty)}");
        foreach (var task in status.Tasks.Where(t => t.State != RunStatus.Done))
        {
            await app.Stdout.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"  task {task.Task,5}  {task.State,-8} {task.Detail}"));
        }
    }
}
