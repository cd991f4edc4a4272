using Azure.Storage.Blobs;
using DataForge.Testing;
using Xunit.Abstractions;

namespace DataForge.Cli.Tests;

/// <summary>
/// The demo pipeline with inputs and output on az:// (Azurite), its tasks in parallel processes, through a loopback
/// proxy that injects 503s, silent timeouts and connection resets before and during answers: the SDK's retries absorb
/// them and the output is byte-identical to a fault-free single-process run; a permanent fault fails the task with a
/// one-line message and leaves no _SUCCESS.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class AzureFaultTests(AzuriteFixture azurite, ITestOutputHelper log) : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Parallel_tasks_through_injected_transient_faults_give_the_fault_free_runs_bytes()
    {
        var container = await UploadInputsAsync();
        var pipeline = await WritePipelineAsync(container);
        var direct = new Dictionary<string, string> { ["AZURE_STORAGE_CONNECTION_STRING"] = azurite.ConnectionString };
        var reference = await CliProcess.RunAsync(["run", pipeline, "--output", _temp.Combine("reference"), "--tasks", "3", "--workers", "2"], direct);
        Assert.True(reference.ExitCode == 0, reference.Stderr);

        using var proxy = new FaultProxy(
            FaultProxy.PortOf(azurite.ConnectionString),
            FaultProxy.Random(seed: 20261129, rate: 0.12, Fault.ServiceUnavailable, Fault.Timeout, Fault.ResetBeforeResponse, Fault.ResetDuringResponse));
        var faulty = new Dictionary<string, string>
        {
            ["AZURE_STORAGE_CONNECTION_STRING"] = proxy.ConnectionString(azurite.ConnectionString),
            ["DATAFORGE_AZURE_TIMEOUT"] = "2",
            ["DATAFORGE_AZURE_RETRIES"] = "8",
        };
        var output = $"az://{container}/runs/faulty";
        var tasks = await Task.WhenAll(Enumerable.Range(0, 3).Select(index =>
            CliProcess.RunAsync(["run", pipeline, "--output", output, "--task-index", $"{index}", "--task-count", "3", "--workers", "1"], faulty)));
        foreach (var task in tasks)
        {
            Assert.True(task.ExitCode == 0, task.Stderr);
        }

        var finish = await CliProcess.RunAsync(["run", pipeline, "--output", output, "--task-count", "3", "--workers", "1"], faulty);
        Assert.True(finish.ExitCode == 0, finish.Stderr);

        log.WriteLine($"requests through the proxy by fault: {string.Join(", ", proxy.Counts.OrderBy(pair => pair.Key).Select(pair => $"{pair.Key} {pair.Value}"))}");
        var blobs = await DownloadAsync(container, "runs/faulty/");
        Assert.Equal(EndToEndTests.Snapshot(_temp.Combine("reference")), blobs);
        foreach (var kind in new[] { Fault.ServiceUnavailable, Fault.Timeout, Fault.ResetBeforeResponse, Fault.ResetDuringResponse })
        {
            Assert.True(proxy.Counts.GetValueOrDefault(kind) > 0, $"no {kind} was injected: {string.Join(", ", proxy.Counts)}");
        }
    }

    [Fact]
    public async Task A_permanent_fault_fails_the_task_with_one_line_and_leaves_no_success_marker()
    {
        var container = await UploadInputsAsync();
        var pipeline = await WritePipelineAsync(container);
        // Every write of a packed shard is refused with 503 for good: retried, then given up.
        using var proxy = new FaultProxy(
            FaultProxy.PortOf(azurite.ConnectionString),
            request => request.Method == "PUT" && request.Target.Contains("/shards/", StringComparison.Ordinal) ? Fault.ServiceUnavailable : Fault.None);
        var environment = new Dictionary<string, string>
        {
            ["AZURE_STORAGE_CONNECTION_STRING"] = proxy.ConnectionString(azurite.ConnectionString),
            ["DATAFORGE_AZURE_RETRIES"] = "2",
        };

        var run = await CliProcess.RunAsync(["run", pipeline, "--output", $"az://{container}/runs/refused", "--tasks", "1", "--workers", "1"], environment);

        Assert.Equal(1, run.ExitCode);
        var message = run.Stderr.TrimEnd().Split('\n')[^1];
        Assert.Matches(@"^error: writing az://faults-[0-9a-f]+/runs/refused/shards/[^ ]+\.parquet: storage request failed \(503 ServerBusy\): The server is busy", message);
        Assert.DoesNotContain("   at ", run.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("AccountKey", run.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Eby8vdM02xNOcqFl", run.Stderr + run.Stdout, StringComparison.Ordinal);
        var blobs = await DownloadAsync(container, "runs/refused/");
        Assert.DoesNotContain("_SUCCESS", blobs.Keys);
        Assert.Contains("_tasks/00000/_FAILED", blobs.Keys);
        Assert.True(proxy.Counts[Fault.ServiceUnavailable] >= 3);
    }

    [Fact]
    public async Task A_sas_signature_in_a_uri_never_appears_in_messages()
    {
        var environment = new Dictionary<string, string> { ["AZURE_STORAGE_CONNECTION_STRING"] = azurite.ConnectionString };

        var result = await CliProcess.RunAsync(["inspect", "https://devstoreaccount1.blob.core.windows.net/absent/set?sv=2024-11-04&sp=r&sig=SECRETSIGNATURE%3D"], environment);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("absent/set", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("SECRETSIGNATURE", result.Stdout + result.Stderr, StringComparison.Ordinal);
    }

    /// <summary>The demo's inputs uploaded to a fresh container, straight to Azurite.</summary>
    private async Task<string> UploadInputsAsync()
    {
        var name = $"faults-{Guid.NewGuid():N}";
        var container = new BlobContainerClient(azurite.ConnectionString, name);
        await container.CreateAsync();
        foreach (var folder in new[] { "images", "text", "warc", "html" })
        {
            var root = Path.Combine(RepositoryRoot.Samples, folder);
            foreach (var file in Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories))
            {
                await container.GetBlobClient($"inputs/{folder}/{Path.GetRelativePath(root, file).Replace('\\', '/')}").UploadAsync(file);
            }
        }

        return name;
    }

    private async Task<string> WritePipelineAsync(string container)
    {
        var yaml = (await File.ReadAllTextAsync(Path.Combine(RepositoryRoot.Samples, "pipelines", "demo.yaml")))
            .Replace("[../", $"[az://{container}/inputs/", StringComparison.Ordinal)
            .Replace(", ../", $", az://{container}/inputs/", StringComparison.Ordinal);
        var path = _temp.Combine("demo-az.yaml");
        await File.WriteAllTextAsync(path, yaml);
        return path;
    }

    private async Task<SortedDictionary<string, byte[]>> DownloadAsync(string name, string prefix)
    {
        var container = new BlobContainerClient(azurite.ConnectionString, name);
        var blobs = new SortedDictionary<string, byte[]>(StringComparer.Ordinal);
        await foreach (var blob in container.GetBlobsAsync(new Azure.Storage.Blobs.Models.GetBlobsOptions { Prefix = prefix }))
        {
            blobs[blob.Name[prefix.Length..]] = (await container.GetBlobClient(blob.Name).DownloadContentAsync()).Value.Content.ToArray();
        }

        return blobs;
    }
}
