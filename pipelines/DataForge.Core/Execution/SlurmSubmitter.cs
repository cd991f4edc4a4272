using System.Diagnostics;

namespace DataForge.Core.Execution;

/// <summary>The job ids Slurm gave a run: the array and the finishing job that depends on it.</summary>
public sealed record SlurmSubmission(string ArrayJob, string FinishJob, string ArrayScript, string FinishScript);

/// <summary>
/// Writes a run's two sbatch scripts into a folder (logs go to its <c>logs/</c>) and submits them with <c>sbatch
/// --parsable</c>, the finishing job with <c>--dependency=afterok:ARRAY</c>. The folder must be visible to the nodes
/// (a shared file system, as Slurm clusters have).
/// </summary>
public static class SlurmSubmitter
{
    public static (string ArrayScript, string FinishScript) WriteScripts(ClusterJob job, string folder)
    {
        var logs = Path.Combine(Path.GetFullPath(folder), "logs");
        Directory.CreateDirectory(logs);
        var arrayScript = Path.Combine(Path.GetFullPath(folder), $"{job.JobName}.sbatch");
        var finishScript = Path.Combine(Path.GetFullPath(folder), $"{job.JobName}-finish.sbatch");
        File.WriteAllText(arrayScript, SlurmScripts.Array(job, logs));
        File.WriteAllText(finishScript, SlurmScripts.Finish(job, logs));
        return (arrayScript, finishScript);
    }

    public static async Task<SlurmSubmission> SubmitAsync(ClusterJob job, string folder, CancellationToken cancellationToken, string sbatch = "sbatch")
    {
        var (arrayScript, finishScript) = WriteScripts(job, folder);
        var arrayJob = await SbatchAsync(sbatch, ["--parsable", arrayScript], cancellationToken);
        var finishJob = await SbatchAsync(sbatch, ["--parsable", $"--dependency=afterok:{arrayJob}", "--kill-on-invalid-dep=yes", finishScript], cancellationToken);
        return new SlurmSubmission(arrayJob, finishJob, arrayScript, finishScript);
    }

    /// <summary>Runs sbatch and returns the job id (--parsable prints "ID" or "ID;CLUSTER").</summary>
    private static async Task<string> SbatchAsync(string sbatch, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(sbatch) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new DataForgeException($"{sbatch} did not start");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new DataForgeException($"cannot run {sbatch} ({e.Message}): is this a Slurm login node? Use --dry-run to print the scripts", e);
        }

        using (process)
        {
            var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
            var error = process.StandardError.ReadToEndAsync(cancellationToken);
            await process.WaitForExitAsync(cancellationToken);
            if (process.ExitCode != 0)
            {
                throw new DataForgeException($"{sbatch} {string.Join(' ', arguments)} failed (exit {process.ExitCode}): {(await error).Trim()}");
            }

            var id = (await output).Trim().Split(';')[0];
            return id.Length > 0 && id.All(char.IsAsciiDigit) ? id : throw new DataForgeException($"{sbatch} printed no job id: '{(await output).Trim()}'");
        }
    }
}
