using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text;
using DataForge.Core.Execution;
using DataForge.Testing;
using k8s;
using k8s.Models;

namespace DataForge.Cli.Tests;

/// <summary>
/// A Kubernetes API server and kubelet small enough for a test: the REST paths KubernetesClient calls for ConfigMaps
/// and Jobs (create, replace, read status, delete, with 409/404 as the real server answers), and pods run as local
/// processes — the container's command with the ConfigMap mounted in a temp folder and JOB_COMPLETION_INDEX set, up to
/// the job's <c>parallelism</c> at once, indexes taken in reverse order. As the Job controller does
/// (kubernetes.io/docs/concepts/workloads/controllers/job, "Pod backoff failure policy"), a failed pod is replaced by a
/// new one for the same index, and the job fails with BackoffLimitExceeded once more pods have failed than
/// <c>backoffLimit</c>. <see cref="FailOnce"/> makes an index's first pod fail without running (its node died);
/// <see cref="FailAlways"/> makes every pod of an index fail.
/// </summary>
internal sealed class FakeKubernetes : IDisposable
{
    private readonly LoopbackHttpServer _server;
    private readonly ConcurrentDictionary<string, V1ConfigMap> _configMaps = new();
    private readonly ConcurrentDictionary<string, V1Job> _jobs = new();
    private readonly ConcurrentBag<Task> _pods = [];
    private readonly string _mounts;
    private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public FakeKubernetes(string scratch)
    {
        _mounts = scratch;
        _server = new LoopbackHttpServer(ServeAsync);
    }

    public string Url => _server.BaseUrl;

    /// <summary>Job indexes whose first pod fails without running.</summary>
    public HashSet<int> FailOnce { get; } = [];

    /// <summary>Job indexes whose every pod fails without running.</summary>
    public HashSet<int> FailAlways { get; } = [];

    /// <summary>While set, pods start but wait before running their container (a job that is still running).</summary>
    public bool HoldPods { get; set; }

    /// <summary>Lets held pods run.</summary>
    public void ReleasePods() => _released.TrySetResult();

    /// <summary>The most pods of one job that ran at the same time.</summary>
    public int MostPodsAtOnce { get; private set; }

    public List<string> Requests { get; } = [];

    public string WriteKubeconfig(string path)
    {
        File.WriteAllText(path, $"""
            apiVersion: v1
            kind: Config
            clusters:
            - name: fake
              cluster:
                server: {Url}
            users:
            - name: tester
              user:
                token: not-a-secret
            contexts:
            - name: fake
              context:
                cluster: fake
                user: tester
            current-context: fake
            """);
        return path;
    }

    public void Dispose()
    {
        ReleasePods();
        _server.Dispose();
        Task.WaitAll([.. _pods], TimeSpan.FromMinutes(2));
    }

    private async Task ServeAsync(HttpListenerContext context)
    {
        try
        {
            await HandleAsync(context);
        }
        catch (Exception e) when (e is not (HttpListenerException or ObjectDisposedException))
        {
            // A fault of the fake itself: answered as a 500 so the client's error names it, instead of a hang.
            await RespondAsync(context, HttpStatusCode.InternalServerError, Status(500, e.ToString()));
        }
    }

    private async Task HandleAsync(HttpListenerContext context)
    {
        var request = context.Request;
        var path = request.Url!.AbsolutePath.TrimEnd('/');
        lock (Requests)
        {
            Requests.Add($"{request.HttpMethod} {path}");
        }

        var parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        using var reader = new StreamReader(request.InputStream, Encoding.UTF8);
        var body = await reader.ReadToEndAsync();
        switch (request.HttpMethod, parts)
        {
            case ("POST", ["api", "v1", "namespaces", var ns, "configmaps"]):
                var configMap = KubernetesJson.Deserialize<V1ConfigMap>(body);
                var created = _configMaps.TryAdd($"{ns}/{configMap.Metadata.Name}", configMap);
                await RespondAsync(context, created ? HttpStatusCode.Created : HttpStatusCode.Conflict, created ? body : Status(409, "AlreadyExists"));
                return;
            case ("PUT", ["api", "v1", "namespaces", var ns, "configmaps", var name]):
                _configMaps[$"{ns}/{name}"] = KubernetesJson.Deserialize<V1ConfigMap>(body);
                await RespondAsync(context, HttpStatusCode.OK, body);
                return;
            case ("POST", ["apis", "batch", "v1", "namespaces", var ns, "jobs"]):
                var job = KubernetesJson.Deserialize<V1Job>(body);
                job.Status = new V1JobStatus { Active = 0, Succeeded = 0, Failed = 0 };
                if (!_jobs.TryAdd($"{ns}/{job.Metadata.Name}", job))
                {
                    await RespondAsync(context, HttpStatusCode.Conflict, Status(409, "AlreadyExists"));
                    return;
                }

                _pods.Add(Task.Run(() => RunPodsAsync(ns, job)));
                await RespondAsync(context, HttpStatusCode.Created, body);
                return;
            case ("GET", ["apis", "batch", "v1", "namespaces", var ns, "jobs", var name, "status"]):
                await RespondAsync(context, _jobs.TryGetValue($"{ns}/{name}", out var found) ? HttpStatusCode.OK : HttpStatusCode.NotFound, found is null ? Status(404, "NotFound") : Serialize(found));
                return;
            case ("DELETE", ["apis", "batch", "v1", "namespaces", var ns, "jobs", var name]):
                var removed = _jobs.TryRemove($"{ns}/{name}", out _);
                await RespondAsync(context, removed ? HttpStatusCode.OK : HttpStatusCode.NotFound, Status(removed ? 200 : 404, removed ? "Success" : "NotFound"));
                return;
            default:
                await RespondAsync(context, HttpStatusCode.NotFound, Status(404, $"{request.HttpMethod} {path} is not served by the fake"));
                return;
        }
    }

    private async Task RunPodsAsync(string ns, V1Job job)
    {
        var indexed = job.Spec.CompletionMode == "Indexed";
        var completions = indexed ? job.Spec.Completions ?? 1 : 1;
        var mount = Directory.CreateDirectory(Path.Combine(_mounts, $"mount-{job.Metadata.Name}-{Guid.NewGuid():N}")).FullName;
        var volume = job.Spec.Template.Spec.Volumes.Single();
        foreach (var (file, text) in _configMaps[$"{ns}/{volume.ConfigMap.Name}"].Data)
        {
            await File.WriteAllTextAsync(Path.Combine(mount, file), text);
        }

        var container = job.Spec.Template.Spec.Containers.Single();
        var backoffLimit = job.Spec.BackoffLimit ?? 6;
        var pending = new Queue<int>(Enumerable.Range(0, completions).Reverse());
        var failures = 0;
        var running = 0;
        var failed = false;
        var gate = new object();

        async Task RunIndexAsync(int index)
        {
            while (true)
            {
                lock (gate)
                {
                    running++;
                    MostPodsAtOnce = Math.Max(MostPodsAtOnce, running);
                }

                Update(job, status => status.Active = (status.Active ?? 0) + 1);
                bool succeeded;
                lock (FailOnce)
                {
                    succeeded = !(indexed && (FailOnce.Remove(index) || FailAlways.Contains(index)));
                }

                if (succeeded)
                {
                    if (HoldPods)
                    {
                        await _released.Task;
                    }

                    succeeded = await RunContainerAsync(container, mount, indexed ? index : null);
                }

                lock (gate)
                {
                    running--;
                }

                Update(job, status =>
                {
                    status.Active -= 1;
                    status.Succeeded += succeeded ? 1 : 0;
                    status.Failed += succeeded ? 0 : 1;
                });
                if (succeeded)
                {
                    return;
                }

                lock (gate)
                {
                    failures++;
                    if (failures > backoffLimit)
                    {
                        failed = true;
                        return;
                    }
                }
            }
        }

        var parallelism = Math.Max(1, job.Spec.Parallelism ?? 1);
        var workers = Enumerable.Range(0, parallelism).Select(async _ =>
        {
            while (true)
            {
                int index;
                lock (gate)
                {
                    if (failed || pending.Count == 0)
                    {
                        return;
                    }

                    index = pending.Dequeue();
                }

                await RunIndexAsync(index);
            }
        });
        await Task.WhenAll(workers);

        var condition = failed
            ? new V1JobCondition { Type = "Failed", Status = "True", Reason = "BackoffLimitExceeded", Message = "Job has reached the specified backoff limit" }
            : new V1JobCondition { Type = "Complete", Status = "True" };
        Update(job, status => status.Conditions = [condition]);
    }

    private static void Update(V1Job job, Action<V1JobStatus> change)
    {
        lock (job)
        {
            change(job.Status);
        }
    }

    private static async Task<bool> RunContainerAsync(V1Container container, string mount, int? index)
    {
        var command = container.Command.Select(argument => argument.Replace(KubernetesManifests.PipelineMount, mount, StringComparison.Ordinal)).ToList();
        var start = new ProcessStartInfo(command[0]) { WorkingDirectory = RepositoryRoot.Path, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in command.Skip(1))
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment.Remove("AZURE_STORAGE_CONNECTION_STRING");
        if (index is not null)
        {
            start.Environment["JOB_COMPLETION_INDEX"] = $"{index}";
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        await Task.WhenAll(output, error);
        return process.ExitCode == 0;
    }

    private static string Serialize(V1Job job)
    {
        lock (job)
        {
            return KubernetesJson.Serialize(job);
        }
    }

    private static string Status(int code, string reason) => System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, object>
    {
        ["apiVersion"] = "v1",
        ["kind"] = "Status",
        ["status"] = code < 300 ? "Success" : "Failure",
        ["code"] = code,
        ["reason"] = reason,
        ["message"] = reason,
    });

    private static async Task RespondAsync(HttpListenerContext context, HttpStatusCode code, string json)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        context.Response.StatusCode = (int)code;
        context.Response.ContentType = "application/json";
        context.Response.ContentLength64 = bytes.Length;
        await context.Response.OutputStream.WriteAsync(bytes);
        context.Response.Close();
    }
}
