using DataForge.Core;
using DataForge.Core.Execution;

namespace DataForge.Cli.Commands;

/// <summary>Wiring of <c>dataforge run --executor slurm|k8s</c>: print or submit what DataForge.Core.Execution writes.</summary>
public static class ClusterSubmission
{
    public static async Task RunAsync(CliContext app, ClusterJob job, string engine, bool dryRun, string scriptDir, string? image, string kubeNamespace, string? secret, CancellationToken cancellationToken)
    {
        if (engine == "slurm")
        {
            if (dryRun)
            {
                var logs = Path.Combine(Path.GetFullPath(scriptDir), "logs");
                await app.Stdout.WriteLineAsync($"# {job.JobName}.sbatch (sbatch --parsable)");
                await app.Stdout.WriteAsync(SlurmScripts.Array(job, logs));
                await app.Stdout.WriteLineAsync($"# {job.JobName}-finish.sbatch (sbatch --parsable --dependency=afterok:ARRAY_JOB_ID)");
                await app.Stdout.WriteAsync(SlurmScripts.Finish(job, logs));
                return;
            }

            var submission = await SlurmSubmitter.SubmitAsync(job, scriptDir, cancellationToken);
            await app.Stdout.WriteLineAsync($"submitted {job.Tasks} tasks as Slurm array job {submission.ArrayJob} ({submission.ArrayScript}), finishing job {submission.FinishJob} after it; logs in {Path.Combine(Path.GetDirectoryName(submission.ArrayScript)!, "logs")}");
            return;
        }

        if (string.IsNullOrWhiteSpace(image))
        {
            throw new UsageException("--executor k8s needs --image, a container image that holds the dataforge command");
        }

        if (!dryRun)
        {
            throw new UsageException("--executor k8s prints manifests only so far: pass --dry-run and apply them with kubectl apply -f -");
        }

        var target = new KubernetesTarget(image, kubeNamespace, secret);
        await app.Stdout.WriteAsync(KubernetesManifests.IndexedJob(job, target, await File.ReadAllTextAsync(job.PipelinePath, cancellationToken)));
        await app.Stdout.WriteLineAsync("---");
        await app.Stdout.WriteLineAsync($"# apply after: kubectl wait --for=condition=complete --timeout=-1s job/{job.JobName} -n {kubeNamespace}");
        await app.Stdout.WriteAsync(KubernetesManifests.FinishJob(job, target));
    }
}
