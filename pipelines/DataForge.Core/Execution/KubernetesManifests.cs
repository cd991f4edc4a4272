using System.Globalization;
using YamlDotNet.Serialization;

namespace DataForge.Core.Execution;

/// <summary>Where a Kubernetes run gets its image, namespace and Azure credentials.</summary>
/// <param name="Image">a container image holding the dataforge command</param>
/// <param name="Secret">a Secret whose AZURE_STORAGE_CONNECTION_STRING key is passed to the pods (never the value itself)</param>
public sealed record KubernetesTarget(string Image, string Namespace = "default", string? Secret = null);

/// <summary>
/// A Kubernetes run as manifests: a ConfigMap holding the pipeline file (mounted at <see cref="PipelineMount"/>), an
/// Indexed Job with completions = tasks (each pod's <c>JOB_COMPLETION_INDEX</c> is its task; parallelism is the
/// concurrency limit), and a finishing Job to apply once the first has completed (Kubernetes has no job dependencies:
/// <c>kubectl wait --for=condition=complete job/NAME</c> first; a later local <c>dataforge run</c> finishes a run too).
/// Inputs and output should be az:// URIs: the pods share no disk.
/// </summary>
public static class KubernetesManifests
{
    public const string PipelineMount = "/etc/dataforge";

    public static string IndexedJob(ClusterJob job, KubernetesTarget target, string pipelineYaml)
    {
        var inPod = job with { PipelinePath = $"{PipelineMount}/pipeline.yaml" };
        return ConfigMap(job, target, pipelineYaml) + "---\n" + Serialize([Job(job.JobName, target, inPod.RunArguments(finish: false), job, indexed: true)]);
    }

    public static string FinishJob(ClusterJob job, KubernetesTarget target)
    {
        var inPod = job with { PipelinePath = $"{PipelineMount}/pipeline.yaml", CpusPerTask = 1 };
        return Serialize([Job(job.JobName + "-finish", target, inPod.RunArguments(finish: true), inPod, indexed: false)]);
    }

    /// <summary>The ConfigMap, its file as a literal block (kept line for line, readable in kubectl's output).</summary>
    private static string ConfigMap(ClusterJob job, KubernetesTarget target, string pipelineYaml)
    {
        var head = Serialize([new Dictionary<string, object>
        {
            ["apiVersion"] = "v1",
            ["kind"] = "ConfigMap",
            ["metadata"] = Metadata(job.JobName + "-pipeline", target, job),
        }]);
        var lines = pipelineYaml.Replace("\r\n", "\n", StringComparison.Ordinal).TrimEnd('\n').Split('\n');
        return head + "data:\n  pipeline.yaml: |-\n" + string.Concat(lines.Select(line => line.Length == 0 ? "\n" : $"    {line.TrimEnd()}\n"));
    }

    private static Dictionary<string, object> Job(string name, KubernetesTarget target, IReadOnlyList<string> arguments, ClusterJob job, bool indexed)
    {
        var container = new Dictionary<string, object>
        {
            ["name"] = "dataforge",
            ["image"] = target.Image,
            ["command"] = arguments.ToList(),
            ["volumeMounts"] = new List<object> { new Dictionary<string, object> { ["name"] = "pipeline", ["mountPath"] = PipelineMount, ["readOnly"] = true } },
            ["resources"] = Resources(job),
        };
        if (target.Secret is not null)
        {
            container["env"] = new List<object>
            {
                new Dictionary<string, object>
                {
                    ["name"] = "AZURE_STORAGE_CONNECTION_STRING",
                    ["valueFrom"] = new Dictionary<string, object> { ["secretKeyRef"] = new Dictionary<string, object> { ["name"] = target.Secret, ["key"] = "AZURE_STORAGE_CONNECTION_STRING" } },
                },
            };
        }

        var spec = new Dictionary<string, object>
        {
            ["backoffLimit"] = indexed ? job.Tasks * 2 : 2,
            ["template"] = new Dictionary<string, object>
            {
                ["metadata"] = new Dictionary<string, object> { ["labels"] = Labels(job) },
                ["spec"] = new Dictionary<string, object>
                {
                    ["restartPolicy"] = "Never",
                    ["containers"] = new List<object> { container },
                    ["volumes"] = new List<object> { new Dictionary<string, object> { ["name"] = "pipeline", ["configMap"] = new Dictionary<string, object> { ["name"] = job.JobName + "-pipeline" } } },
                },
            },
        };
        if (indexed)
        {
            spec["completionMode"] = "Indexed";
            spec["completions"] = job.Tasks;
            spec["parallelism"] = job.Concurrency ?? job.Tasks;
        }

        return new Dictionary<string, object>
        {
            ["apiVersion"] = "batch/v1",
            ["kind"] = "Job",
            ["metadata"] = Metadata(name, target, job),
            ["spec"] = spec,
        };
    }

    private static Dictionary<string, object> Resources(ClusterJob job)
    {
        var amounts = new Dictionary<string, object> { ["cpu"] = job.CpusPerTask.ToString(CultureInfo.InvariantCulture) };
        if (job.Memory is not null)
        {
            amounts["memory"] = job.Memory;
        }

        return new Dictionary<string, object> { ["requests"] = amounts, ["limits"] = new Dictionary<string, object>(amounts) };
    }

    private static Dictionary<string, object> Metadata(string name, KubernetesTarget target, ClusterJob job) => new()
    {
        ["name"] = name,
        ["namespace"] = target.Namespace,
        ["labels"] = Labels(job),
    };

    private static Dictionary<string, object> Labels(ClusterJob job) => new()
    {
        ["app.kubernetes.io/name"] = "dataforge",
        ["dataforge/run"] = job.JobName,
    };

    private static string Serialize(IEnumerable<object> documents)
    {
        var serializer = new SerializerBuilder().DisableAliases().WithQuotingNecessaryStrings().Build();
        return string.Join("---\n", documents.Select(serializer.Serialize));
    }
}
