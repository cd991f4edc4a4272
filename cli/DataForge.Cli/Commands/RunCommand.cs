using System.CommandLine;
using System.Globalization;
using DataForge.Core;
using DataForge.Core.Pipeline;
using DataForge.Core.Storage;

namespace DataForge.Cli.Commands;

/// <summary><c>dataforge run PIPELINE.yaml [--workers N] [--task-index I --task-count N]</c></summary>
public static class RunCommand
{
    public static Command Create(CliContext app)
    {
        var pipeline = new Argument<FileInfo>("PIPELINE") { Description = "the pipeline YAML file" };
        var workers = new Option<int>("--workers") { Description = "tasks and per-sample work in parallel (default: all cores)", DefaultValueFactory = _ => Environment.ProcessorCount };
        var taskIndex = new Option<int?>("--task-index") { Description = "run only this task (also from SLURM_ARRAY_TASK_ID or JOB_COMPLETION_INDEX)" };
        var taskCount = new Option<int?>("--task-count") { Description = "split the inputs into this many tasks (default: 'tasks' in the pipeline file, else 1)" };
        var verbose = new Option<bool>("--verbose", "-v") { Description = "log each task" };
        var output = new Option<string?>("--output", "-o") { Description = "write here instead of the pipeline's 'output' (a folder or az:// URI)" };
        var command = new Command("run", "run a pipeline file: inputs through stages to an output folder or az:// URI")
        {
            pipeline, workers, taskIndex, taskCount, output, verbose,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var spec = PipelineFile.Load(parse.GetValue(pipeline)!.FullName);
            if (parse.GetValue(output) is { Length: > 0 } outputOverride)
            {
                // Relative to the working directory, as any path typed on the command line.
                spec = spec with { Output = StorageFactory.IsAzure(outputOverride) ? outputOverride : Path.GetFullPath(outputOverride) };
            }

            var workerCount = parse.GetValue(workers);
            if (workerCount < 1)
            {
                throw new UsageException("--workers must be at least 1");
            }

            var selection = TaskSelection.Resolve(parse.GetValue(taskIndex), parse.GetValue(taskCount), app.Environment);
            await PipelineExecution.RunAsync(app, spec, new RunOptions(selection, workerCount), parse.GetValue(verbose), cancellationToken);
            return DataForgeApp.Success;
        });
        return command;
    }
}
