using System.CommandLine;
using System.Globalization;
using DataForge.Core;
using DataForge.Core.Execution;
using DataForge.Core.Pipeline;
using DataForge.Core.Stages.Contract;
using DataForge.Core.Storage;

namespace DataForge.Cli.Commands;

/// <summary>
/// <c>dataforge run PIPELINE.yaml [--workers N] [--task-index I --task-count N] [--executor local|slurm|k8s …]</c>: runs
/// here, or hands the run to Slurm (sbatch job array + finishing job) or Kubernetes (Indexed Job manifests).
/// </summary>
public static class RunCommand
{
    public static Command Create(CliContext app)
    {
        var pipeline = new Argument<FileInfo>("PIPELINE") { Description = "the pipeline YAML file" };
        var workers = new Option<int>("--workers") { Description = "tasks and per-sample work in parallel (default: all cores)", DefaultValueFactory = _ => Environment.ProcessorCount };
        var taskIndex = new Option<int?>("--task-index") { Description = "run only this task (also from SLURM_ARRAY_TASK_ID or JOB_COMPLETION_INDEX)" };
        var taskCount = new Option<int?>("--task-count", "--tasks") { Description = "split the inputs into this many tasks (default: 'tasks' in the pipeline file, else 1)" };
        var executor = new Option<string>("--executor") { Description = "local (default), slurm (sbatch job array) or k8s (Indexed Job manifests)", DefaultValueFactory = _ => "local" };
        var dryRun = new Option<bool>("--dry-run") { Description = "slurm, k8s: print what would be submitted instead of submitting it" };
        var partition = new Option<string?>("--partition") { Description = "slurm: partition" };
        var time = new Option<string?>("--time") { Description = "slurm: wall-time limit per task (e.g. 04:00:00)" };
        var cpus = new Option<int?>("--cpus") { Description = "slurm, k8s: cores per task (also its --workers; default 1)" };
        var memory = new Option<string?>("--mem") { Description = "slurm, k8s: memory per task (slurm 16G, k8s 16Gi)" };
        var concurrency = new Option<int?>("--concurrency") { Description = "slurm, k8s: tasks running at once (slurm %K, k8s parallelism)" };
        var scriptDir = new Option<string>("--script-dir") { Description = "slurm: where the sbatch scripts and logs go (visible to the nodes)", DefaultValueFactory = _ => Path.Combine(".dataforge", "slurm") };
        var nodeCommand = new Option<string?>("--node-command") { Description = "slurm, k8s: how the nodes start DataForge (default: this DataForge; k8s: dataforge)" };
        var image = new Option<string?>("--image") { Description = "k8s: the container image holding dataforge" };
        var kubeNamespace = new Option<string>("--namespace") { Description = "k8s: namespace", DefaultValueFactory = _ => "default" };
        var secret = new Option<string?>("--secret") { Description = "k8s: a Secret with AZURE_STORAGE_CONNECTION_STRING for the pods" };
        var kubeconfig = new Option<string?>("--kubeconfig") { Description = "k8s: the cluster's kubeconfig (default: KUBECONFIG, ~/.kube/config, or the pod's service account)" };
        var noWait = new Option<bool>("--no-wait") { Description = "k8s: return once the indexed job is created, without applying the finishing job" };
        var verbose = new Option<bool>("--verbose", "-v") { Description = "log each task" };
        var output = new Option<string?>("--output", "-o") { Description = "write here instead of the pipeline's 'output' (a folder or az:// URI)" };
        var device = PackDeviceOption.Create();
        var command = new Command("run", "run a pipeline file: inputs through stages to an output folder or az:// URI")
        {
            pipeline, workers, taskIndex, taskCount, output, device, verbose, executor, dryRun, partition, time, cpus, memory, concurrency, scriptDir, nodeCommand, image, kubeNamespace, secret, kubeconfig, noWait,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var spec = PipelineFile.Load(parse.GetValue(pipeline)!.FullName);
            if (parse.GetValue(output) is { Length: > 0 } outputOverride)
            {
                // Relative to the working directory, as any path typed on the command line.
                spec = spec with { Output = StorageFactory.IsAzure(outputOverride) ? outputOverride : Path.GetFullPath(outputOverride) };
            }

            var engine = parse.GetValue(executor);
            if (engine is not ("local" or "slurm" or "k8s"))
            {
                throw new UsageException($"--executor {engine}: use local, slurm or k8s");
            }

            if (engine != "local")
            {
                if (parse.GetValue(device) is not null)
                {
                    throw new UsageException($"--device is for local runs; for {engine} tasks set {PackDeviceOption.Variable}=cuda in the environment they inherit");
                }

                var job = new ClusterJob(
                    spec.Name,
                    parse.GetValue(pipeline)!.FullName,
                    parse.GetValue(taskCount) ?? spec.Tasks,
                    NodeCommand(parse.GetValue(nodeCommand), engine),
                    parse.GetValue(concurrency),
                    parse.GetValue(cpus) ?? 1,
                    parse.GetValue(memory),
                    parse.GetValue(time),
                    parse.GetValue(partition),
                    parse.GetValue(output) is { Length: > 0 } ? spec.Output : null);
                var problems = job.Validate().ToList();
                if (problems.Count > 0)
                {
                    throw new UsageException(string.Join("; ", problems));
                }

                var kubernetes = new KubernetesRequest(parse.GetValue(image), parse.GetValue(kubeNamespace)!, parse.GetValue(secret), parse.GetValue(kubeconfig), !parse.GetValue(noWait));
                await ClusterSubmission.RunAsync(app, job, engine, parse.GetValue(dryRun), parse.GetValue(scriptDir)!, kubernetes, cancellationToken);
                return DataForgeApp.Success;
            }

            var workerCount = parse.GetValue(workers);
            if (workerCount is < 1 or > PipelineSpec.MaxWorkers)
            {
                throw new UsageException($"--workers must be 1..{PipelineSpec.MaxWorkers}");
            }

            var selection = TaskSelection.Resolve(parse.GetValue(taskIndex), parse.GetValue(taskCount), app.Environment);
            var options = new RunOptions(selection, workerCount) { Device = PackDeviceOption.Resolve(parse, device, app) };
            await PipelineExecution.RunAsync(app, spec, options, parse.GetValue(verbose), cancellationToken);
            return DataForgeApp.Success;
        });
        return command;
    }

    /// <summary>How nodes start DataForge: as given (split at spaces), or this very DataForge (its dotnet host and dll, or its executable).</summary>
    private static IReadOnlyList<string> NodeCommand(string? given, string engine)
    {
        if (!string.IsNullOrWhiteSpace(given))
        {
            return given.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        }

        if (engine == "k8s")
        {
            return ["dataforge"];
        }

        var host = Environment.ProcessPath ?? "dataforge";
        return Path.GetFileNameWithoutExtension(host) == "dotnet" && System.Reflection.Assembly.GetEntryAssembly()?.Location is { Length: > 0 } dll
            ? [host, dll]
            : [host];
    }
}
