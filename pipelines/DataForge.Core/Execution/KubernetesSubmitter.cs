using System.Net;
using DataForge.Core;
using DataForge.Core.Execution;
using k8s;
using k8s.Autorest;
using k8s.Exceptions;
using k8s.Models;

namespace DataForge.Core.Execution;

/// <summary>
/// Applies a run's manifests (<see cref="KubernetesManifests"/>) through the official KubernetesClient: the ConfigMap
/// (created or replaced), the Indexed Job, then — Kubernetes has no job dependencies — it watches the job's status and
/// applies the finishing Job once every index has succeeded, and waits for that too. A job of the same name left by an
/// earlier submission is deleted first when it has ended (tasks already done are skipped by DataForge itself, so a
/// resubmission redoes only what is missing) and refused while it still runs.
/// </summary>
public sealed class KubernetesSubmitter(IKubernetes client, TextWriter progress, TimeSpan pollInterval)
{
    /// <summary>A client from the given kubeconfig, else KUBECONFIG or ~/.kube/config, else the pod's service account.</summary>
    public static IKubernetes Connect(string? kubeconfig)
    {
        try
        {
            var configuration = kubeconfig is not null
                ? KubernetesClientConfiguration.BuildConfigFromConfigFile(kubeconfig)
                : KubernetesClientConfiguration.BuildDefaultConfig();
            return new Kubernetes(configuration);
        }
        catch (Exception e) when (e is KubeConfigException or FileNotFoundException or IOException)
        {
            throw new UsageException($"no usable Kubernetes configuration ({e.Message}): pass --kubeconfig FILE or set KUBECONFIG, or use --dry-run to print the manifests");
        }
    }

    /// <returns>the names of the jobs applied</returns>
    public async Task<IReadOnlyList<string>> SubmitAsync(ClusterJob job, KubernetesTarget target, string pipelineYaml, bool wait, CancellationToken cancellationToken)
    {
        var documents = KubernetesYaml.LoadAllFromString(KubernetesManifests.IndexedJob(job, target, pipelineYaml));
        var configMap = documents.OfType<V1ConfigMap>().Single();
        var indexed = documents.OfType<V1Job>().Single();
        var finish = KubernetesYaml.Deserialize<V1Job>(KubernetesManifests.FinishJob(job, target));

        await ApplyConfigMapAsync(configMap, target.Namespace, cancellationToken);
        await CreateJobAsync(indexed, target.Namespace, cancellationToken);
        await progress.WriteLineAsync($"k8s: job {indexed.Metadata.Name} created in namespace {target.Namespace}: {job.Tasks} indexed tasks, {indexed.Spec.Parallelism} at a time");
        if (!wait)
        {
            await progress.WriteLineAsync($"k8s: not waiting; once it completes, finish the run with the {finish.Metadata.Name} job (dataforge run … --executor k8s --dry-run prints it) or any `dataforge run {job.PipelinePath} --task-count {job.Tasks}` that sees the output");
            return [indexed.Metadata.Name];
        }

        await WaitAsync(indexed.Metadata.Name, target.Namespace, job.Tasks, cancellationToken);
        await CreateJobAsync(finish, target.Namespace, cancellationToken);
        await progress.WriteLineAsync($"k8s: finishing job {finish.Metadata.Name} created");
        await WaitAsync(finish.Metadata.Name, target.Namespace, 1, cancellationToken);
        return [indexed.Metadata.Name, finish.Metadata.Name];
    }

    private async Task ApplyConfigMapAsync(V1ConfigMap configMap, string kubeNamespace, CancellationToken cancellationToken)
    {
        try
        {
            await client.CoreV1.CreateNamespacedConfigMapAsync(configMap, kubeNamespace, cancellationToken: cancellationToken);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.Conflict)
        {
            await client.CoreV1.ReplaceNamespacedConfigMapAsync(configMap, configMap.Metadata.Name, kubeNamespace, cancellationToken: cancellationToken);
        }
    }

    private async Task CreateJobAsync(V1Job job, string kubeNamespace, CancellationToken cancellationToken)
    {
        var name = job.Metadata.Name;
        try
        {
            await client.BatchV1.CreateNamespacedJobAsync(job, kubeNamespace, cancellationToken: cancellationToken);
            return;
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.Conflict)
        {
            // An earlier submission's job: Job specs are immutable, so it is replaced by deleting and creating.
        }

        var existing = await client.BatchV1.ReadNamespacedJobStatusAsync(name, kubeNamespace, cancellationToken: cancellationToken);
        if (Ended(existing) is null)
        {
            throw new DataForgeException($"Kubernetes job {name} from an earlier submission is still running in namespace {kubeNamespace}: wait for it or delete it (kubectl delete job {name} -n {kubeNamespace})");
        }

        await client.BatchV1.DeleteNamespacedJobAsync(name, kubeNamespace, propagationPolicy: "Background", cancellationToken: cancellationToken);
        while (await ExistsAsync(name, kubeNamespace, cancellationToken))
        {
            await Task.Delay(pollInterval, cancellationToken);
        }

        await client.BatchV1.CreateNamespacedJobAsync(job, kubeNamespace, cancellationToken: cancellationToken);
    }

    private async Task<bool> ExistsAsync(string name, string kubeNamespace, CancellationToken cancellationToken)
    {
        try
        {
            await client.BatchV1.ReadNamespacedJobStatusAsync(name, kubeNamespace, cancellationToken: cancellationToken);
            return true;
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }
    }

    private async Task WaitAsync(string name, string kubeNamespace, int completions, CancellationToken cancellationToken)
    {
        var reported = -1;
        while (true)
        {
            var job = await client.BatchV1.ReadNamespacedJobStatusAsync(name, kubeNamespace, cancellationToken: cancellationToken);
            var succeeded = job.Status?.Succeeded ?? 0;
            if (succeeded != reported)
            {
                reported = succeeded;
                await progress.WriteLineAsync($"k8s: {name}: {succeeded}/{completions} succeeded, {job.Status?.Active ?? 0} running, {job.Status?.Failed ?? 0} failed pods");
            }

            switch (Ended(job))
            {
                case "Complete":
                    return;
                case { } failed:
                    var condition = job.Status!.Conditions!.First(c => c.Type == failed);
                    throw new DataForgeException($"Kubernetes job {name} failed ({condition.Reason}: {condition.Message}); `dataforge status OUTPUT` lists the failed tasks and their errors, and resubmitting redoes only those");
            }

            await Task.Delay(pollInterval, cancellationToken);
        }
    }

    /// <summary>"Complete" or "Failed" when the job has ended, else null.</summary>
    private static string? Ended(V1Job job) =>
        job.Status?.Conditions?.FirstOrDefault(c => c.Type is "Complete" or "Failed" && c.Status == "True")?.Type;
}
