using System.Diagnostics;
using DataForge.Testing;

namespace DataForge.Cli.Tests;

/// <summary>
/// `dataforge run --executor slurm|k8s`. Without a Slurm cluster here, a stand-in `sbatch` on PATH records how it was
/// called and hands out job ids; the scripts DataForge wrote are then run with bash, one per array index in reverse
/// order, the way Slurm would run them, and the result is compared with a local run byte for byte.
/// </summary>
public sealed class ClusterExecutorTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task The_slurm_scripts_run_task_by_task_give_the_local_runs_bytes()
    {
        var local = await CliProcess.RunAsync("run", "samples/pipelines/demo.yaml", "--output", _temp.Combine("local"), "--tasks", "3", "--workers", "2");
        Assert.Equal(0, local.ExitCode);

        var bin = Directory.CreateDirectory(_temp.Combine("bin")).FullName;
        var fake = Path.Combine(bin, "sbatch");
        await File.WriteAllTextAsync(fake, "#!/bin/bash\necho \"$*\" >> \"$(dirname \"$0\")/calls.txt\"\necho \"$((4200 + $(wc -l < \"$(dirname \"$0\")/calls.txt\")));cluster\"\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(fake, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        var environment = new Dictionary<string, string> { ["PATH"] = $"{bin}:{Environment.GetEnvironmentVariable("PATH")}" };
        var dataforge = $"dotnet {Path.Combine(AppContext.BaseDirectory, "dataforge.dll")}";
        var scripts = _temp.Combine("slurm");

        var submitted = await CliProcess.RunAsync(
            ["run", "samples/pipelines/demo.yaml", "--executor", "slurm", "--tasks", "3", "--concurrency", "2", "--cpus", "2", "--mem", "2G", "--partition", "debug", "--time", "00:30:00", "--output", _temp.Combine("slurm-out"), "--script-dir", scripts, "--node-command", dataforge],
            environment);

        Assert.True(submitted.ExitCode == 0, submitted.Stderr);
        Assert.Contains("array job 4201", submitted.Stdout, StringComparison.Ordinal);
        Assert.Contains("finishing job 4202", submitted.Stdout, StringComparison.Ordinal);
        var calls = await File.ReadAllLinesAsync(Path.Combine(bin, "calls.txt"));
        Assert.Equal(2, calls.Length);
        Assert.StartsWith("--parsable ", calls[0], StringComparison.Ordinal);
        Assert.Contains("--dependency=afterok:4201", calls[1], StringComparison.Ordinal);
        var array = await File.ReadAllTextAsync(Path.Combine(scripts, "dataforge-demo.sbatch"));
        Assert.Contains("#SBATCH --array=0-2%2\n", array, StringComparison.Ordinal);
        Assert.Contains("#SBATCH --cpus-per-task=2\n", array, StringComparison.Ordinal);
        Assert.Contains("#SBATCH --mem=2G\n", array, StringComparison.Ordinal);
        Assert.Contains("#SBATCH --partition=debug\n", array, StringComparison.Ordinal);
        Assert.Contains("#SBATCH --time=00:30:00\n", array, StringComparison.Ordinal);
        Assert.Contains($"#SBATCH --output={Path.Combine(scripts, "logs")}/dataforge-demo-%A_%a.log\n", array, StringComparison.Ordinal);

        foreach (var index in new[] { 2, 0, 1 })
        {
            await BashAsync(Path.Combine(scripts, "dataforge-demo.sbatch"), new() { ["SLURM_ARRAY_TASK_ID"] = $"{index}", ["SLURM_ARRAY_TASK_MIN"] = "0", ["SLURM_ARRAY_TASK_COUNT"] = "3" });
        }

        await BashAsync(Path.Combine(scripts, "dataforge-demo-finish.sbatch"), []);

        var actual = EndToEndTests.AssertSameFiles(EndToEndTests.Snapshot(_temp.Combine("local")), _temp.Combine("slurm-out"));
        Assert.Contains("_SUCCESS", actual.Keys);
    }

    [Fact]
    public async Task The_output_is_the_same_bytes_whatever_the_number_of_workers()
    {
        foreach (var workers in new[] { "1", "2", "8" })
        {
            var run = await CliProcess.RunAsync("run", "samples/pipelines/demo.yaml", "--output", _temp.Combine($"workers-{workers}"), "--tasks", "3", "--workers", workers);
            Assert.True(run.ExitCode == 0, run.Stderr);
        }

        var one = EndToEndTests.Snapshot(_temp.Combine("workers-1"));
        EndToEndTests.AssertSameFiles(one, _temp.Combine("workers-2"));
        EndToEndTests.AssertSameFiles(one, _temp.Combine("workers-8"));
        Assert.Contains(one.Keys, key => key.StartsWith("shards/", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Kubernetes_manifests_are_an_indexed_job_over_the_tasks_with_the_pipeline_in_a_config_map()
    {
        var result = await CliProcess.RunAsync("run", "samples/pipelines/demo.yaml", "--executor", "k8s", "--tasks", "4", "--concurrency", "2", "--cpus", "3", "--mem", "6Gi", "--image", "registry.example/dataforge:1", "--secret", "azure", "--dry-run");

        Assert.True(result.ExitCode == 0, result.Stderr);
        var documents = result.Stdout.Split("\n---\n");
        Assert.Equal(3, documents.Length);
        Assert.Contains("kind: ConfigMap", documents[0], StringComparison.Ordinal);
        Assert.Contains("  pipeline.yaml: |-\n    # The demo", documents[0], StringComparison.Ordinal);
        Assert.Contains("completionMode: Indexed", documents[1], StringComparison.Ordinal);
        Assert.Contains("completions: 4", documents[1], StringComparison.Ordinal);
        Assert.Contains("parallelism: 2", documents[1], StringComparison.Ordinal);
        Assert.Contains("- --task-count\n        - \"4\"", documents[1], StringComparison.Ordinal);
        Assert.Contains("image: registry.example/dataforge:1", documents[1], StringComparison.Ordinal);
        Assert.Contains("memory: 6Gi", documents[1], StringComparison.Ordinal);
        Assert.Contains("secretKeyRef", documents[1], StringComparison.Ordinal);
        Assert.Contains("name: dataforge-demo-finish", documents[2], StringComparison.Ordinal);
        Assert.DoesNotContain("completionMode", documents[2], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Through_the_kubernetes_api_a_pod_failing_once_is_retried_one_failing_past_backoffLimit_fails_the_run_and_resubmitting_finishes_it_to_the_local_bytes()
    {
        // The pods share this disk, so the inputs are absolute paths; in a real cluster they would be az:// URIs.
        var samples = Path.Combine(RepositoryRoot.Path, "samples");
        var yaml = (await File.ReadAllTextAsync(Path.Combine(samples, "pipelines", "demo.yaml"))).Replace("[../", $"[{samples}/", StringComparison.Ordinal).Replace(", ../", $", {samples}/", StringComparison.Ordinal);
        var pipeline = _temp.Combine("demo.yaml");
        await File.WriteAllTextAsync(pipeline, yaml);
        var local = await CliProcess.RunAsync("run", pipeline, "--output", _temp.Combine("local"), "--tasks", "3", "--workers", "2");
        Assert.True(local.ExitCode == 0, local.Stderr);

        using var cluster = new FakeKubernetes(_temp.Path);
        var kubeconfig = cluster.WriteKubeconfig(_temp.Combine("kubeconfig"));
        // Index 2's first pod dies (the Job controller starts another, within backoffLimit = tasks × 2 = 6); every pod
        // of index 1 dies, so the seventh failure fails the job.
        cluster.FailOnce.Add(2);
        cluster.FailAlways.Add(1);
        string[] submit =
        [
            "run", pipeline, "--executor", "k8s", "--tasks", "3", "--image", "registry.example/dataforge:1", "--namespace", "data", "--kubeconfig", kubeconfig,
            "--output", _temp.Combine("k8s-out"), "--node-command", $"dotnet {Path.Combine(AppContext.BaseDirectory, "dataforge.dll")}",
        ];

        var first = await CliProcess.RunAsync(submit);

        Assert.True(first.ExitCode == 1, string.Join("\n", cluster.Requests) + first.Stdout + first.Stderr);
        Assert.Contains("Kubernetes job dataforge-demo failed (BackoffLimitExceeded", first.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", first.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(_temp.Combine("k8s-out", "_SUCCESS")));
        var status = await CliProcess.RunAsync("status", _temp.Combine("k8s-out"), "--json");
        using (var states = System.Text.Json.JsonDocument.Parse(status.Stdout))
        {
            var byTask = states.RootElement.GetProperty("task_states").EnumerateArray().ToDictionary(task => task.GetProperty("task").GetInt32(), task => task.GetProperty("state").GetString());
            Assert.Equal("missing", byTask[1]);
            Assert.Equal("done", byTask[2]); // retried after its first pod died
        }

        Assert.InRange(cluster.MostPodsAtOnce, 2, 3); // parallelism = tasks = 3: pods ran side by side, never more
        lock (cluster.FailOnce)
        {
            cluster.FailAlways.Clear();
        }

        var second = await CliProcess.RunAsync(submit);

        Assert.True(second.ExitCode == 0, string.Join("\n", cluster.Requests) + second.Stdout + second.Stderr);
        Assert.Contains("k8s: run finished", second.Stdout, StringComparison.Ordinal);
        EndToEndTests.AssertSameFiles(EndToEndTests.Snapshot(_temp.Combine("local")), _temp.Combine("k8s-out"));
        // The second submission replaced the ConfigMap and the ended job (create refused, delete, create), then applied
        // the finishing job once the indexed one completed: four job creations in all.
        Assert.Contains("PUT /api/v1/namespaces/data/configmaps/dataforge-demo-pipeline", cluster.Requests);
        Assert.Contains("DELETE /apis/batch/v1/namespaces/data/jobs/dataforge-demo", cluster.Requests);
        Assert.Equal(4, cluster.Requests.Count(r => r == "POST /apis/batch/v1/namespaces/data/jobs"));
    }

    [Fact]
    public async Task A_resubmission_while_the_earlier_job_still_runs_is_refused_and_leaves_that_job_alone()
    {
        var images = Directory.CreateDirectory(_temp.Combine("imgs")).FullName;
        File.Copy(Path.Combine(RepositoryRoot.Samples, "images", "scene-01.jpg"), Path.Combine(images, "a.jpg"));
        var pipeline = _temp.Combine("held.yaml");
        await File.WriteAllTextAsync(pipeline, $"name: held\noutput: {_temp.Combine("held-out")}\nstages:\n  - read-images:\n      inputs: [{images}]\n  - write\n");
        using var cluster = new FakeKubernetes(_temp.Path) { HoldPods = true };
        var kubeconfig = cluster.WriteKubeconfig(_temp.Combine("kubeconfig"));
        string[] submit =
        [
            "run", pipeline, "--executor", "k8s", "--tasks", "2", "--image", "registry.example/dataforge:1", "--kubeconfig", kubeconfig,
            "--node-command", $"dotnet {Path.Combine(AppContext.BaseDirectory, "dataforge.dll")}", "--no-wait",
        ];

        var first = await CliProcess.RunAsync(submit);
        Assert.True(first.ExitCode == 0, first.Stderr);
        var second = await CliProcess.RunAsync(submit);

        Assert.Equal(1, second.ExitCode);
        Assert.Contains("Kubernetes job dataforge-held from an earlier submission is still running", second.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("DELETE /apis/batch/v1/namespaces/default/jobs/dataforge-held", cluster.Requests);
        Assert.Equal(2, cluster.Requests.Count(r => r == "POST /apis/batch/v1/namespaces/default/jobs")); // the refused create
        cluster.ReleasePods();
    }

    [Fact]
    public async Task Without_a_kubeconfig_the_error_says_what_to_do()
    {
        var result = await CliProcess.RunAsync(
            ["run", "samples/pipelines/demo.yaml", "--executor", "k8s", "--image", "x", "--kubeconfig", _temp.Combine("absent")],
            new Dictionary<string, string> { ["KUBECONFIG"] = _temp.Combine("absent") });

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--dry-run", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_sbatch_the_error_says_what_to_do()
    {
        var result = await CliProcess.RunAsync(["run", "samples/pipelines/demo.yaml", "--executor", "slurm", "--script-dir", _temp.Combine("s")], new Dictionary<string, string> { ["PATH"] = _temp.Path });

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("--dry-run", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Stderr, StringComparison.Ordinal);
    }

    private static async Task BashAsync(string script, Dictionary<string, string> environment)
    {
        var start = new ProcessStartInfo("bash") { WorkingDirectory = RepositoryRoot.Path, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(script);
        start.Environment.Remove("AZURE_STORAGE_CONNECTION_STRING");
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"{script}: {await output}{await error}");
    }
}
