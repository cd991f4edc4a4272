using System.Diagnostics;
using DataForge.Testing;

namespace DataForge.Cli.Tests;

/// <summary>One real single-node Slurm (tests/slurm/start.sh: munge, slurmctld, slurmd) for the tests that submit to it.</summary>
[CollectionDefinition(Name)]
public sealed class SlurmCollection : ICollectionFixture<SlurmCluster>
{
    public const string Name = "slurm";
}

public sealed class SlurmCluster : IDisposable
{
    private readonly TempFolder _folder = new();

    public SlurmCluster()
    {
        var (exitCode, output) = Run("bash", Path.Combine(RepositoryRoot.Path, "tests", "slurm", "start.sh"), _folder.Combine("cluster"));
        if (exitCode != 0)
        {
            throw new InvalidOperationException($"the test Slurm cluster did not start (tests/slurm/start.sh): {output}");
        }

        Configuration = output.Trim().Split('\n')[^1];
    }

    /// <summary>The cluster's slurm.conf (what SLURM_CONF must name for sbatch, squeue and scancel to reach it).</summary>
    public string Configuration { get; }

    public Dictionary<string, string> Environment => new() { ["SLURM_CONF"] = Configuration };

    /// <summary>Waits until none of <paramref name="jobs"/> is pending, running or completing.</summary>
    public async Task WaitAsync(IEnumerable<string> jobs, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            var (exitCode, output) = Run("squeue", "-h", "-t", "PD,R,CG,CF", "-j", string.Join(',', jobs));
            if (exitCode != 0 || output.Trim().Length == 0)
            {
                return;
            }

            await Task.Delay(500);
        }

        throw new TimeoutException($"Slurm jobs {string.Join(',', jobs)} still queued after {timeout}: {Run("squeue").Output}");
    }

    public (int ExitCode, string Output) Run(string file, params string[] arguments)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        if (Configuration is not null)
        {
            start.Environment["SLURM_CONF"] = Configuration;
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output);
    }

    public void Dispose()
    {
        Run("bash", Path.Combine(RepositoryRoot.Path, "tests", "slurm", "stop.sh"), _folder.Combine("cluster"));
        _folder.Dispose();
    }
}
