using DataForge.Core;
using DataForge.Core.Execution;

namespace DataForge.Cli.Commands;

/// <summary>Wiring of <c>dataforge run --executor slurm|k8s</c>: print or submit what DataForge.Core.Execution writes.</summary>
public static class ClusterSubmission
{
    public static async Task RunAsync(CliContext app, ClusterJob job, string engine, bool dryRun, string scriptDir, KubernetesRequest kubernetes, CancellationToken cancellationToken)
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

        if (string.IsNullOrWhiteSpace(kubernetes.Image))
        {
            throw new UsageException("--executor k8s needs --image, a container image that holds the dataforge command");
        }

        var target = new KubernetesTarget(kubernetes.Image, kubernetes.Namespace, kubernetes.Secret);
        var pipelineYaml = await File.ReadAllTextAsync(job.PipelinePath, cancellationToken);
        if (dryRun)
        {
            await app.Stdout.WriteAsync(KubernetesManifests.IndexedJob(job, target, pipelineYaml));
            await app.Stdout.WriteLineAsync("---");
            await app.Stdout.WriteLineAsync($"# apply after: kubectl wait --for=condition=complete --timeout=-1s job/{job.JobName} -n {kubernetes.Namespace}");
            await app.Stdout.WriteAsync(KubernetesManifests.FinishJob(job, target));
            return;
        }

        using var client = KubernetesSubmitter.Connect(kubernetes.Kubeconfig);
        var submitter = new KubernetesSubmitter(client, app.Stdout, TimeSpan.FromSeconds(2));
        var jobs = await submitter.SubmitAsync(job, target, pipelineYaml, kubernetes.Wait, cancellationToken);
        await app.Stdout.WriteLineAsync(kubernetes.Wait ? $"k8s: run finished ({string.Join(", ", jobs)} complete)" : $"k8s: submitted {jobs[0]}");
    }
}

/// <summary>The <c>--executor k8s</c> options: where the pods run and whether to wait for the run to finish.</summary>
public sealed record KubernetesRequest(string? Image, string Namespace, string? Secret, string? Kubeconfig, bool Wait);
