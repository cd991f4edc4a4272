namespace DataForge.Core.Execution;

/// <summary>
/// A pipeline run handed to an existing engine (Slurm job array, Kubernetes Indexed Job): one engine task per
/// DataForge task, each running <c>dataforge run PIPELINE --task-count N</c> with its index from the engine
/// (<c>SLURM_ARRAY_TASK_ID</c>, <c>JOB_COMPLETION_INDEX</c>; see TaskSelection), then one finishing run that writes the
/// run's manifest and <c>_SUCCESS</c> once every task is done. DataForge schedules nothing across machines itself.
/// </summary>
/// <param name="Name">the pipeline's name (job names derive from it)</param>
/// <param name="PipelinePath">the pipeline file as the nodes see it (absolute; a shared file system for Slurm)</param>
/// <param name="Tasks">DataForge tasks = engine tasks</param>
/// <param name="Command">how the nodes start DataForge, e.g. ["dataforge"] or ["dotnet", "/opt/dataforge/dataforge.dll"]</param>
/// <param name="Concurrency">engine tasks running at once (null: as many as the engine allows)</param>
/// <param name="CpusPerTask">cores per task (also DataForge's --workers)</param>
/// <param name="Memory">per task, in the engine's syntax (Slurm 16G, Kubernetes 16Gi)</param>
/// <param name="Time">Slurm wall-time limit (e.g. 04:00:00)</param>
/// <param name="Partition">Slurm partition</param>
/// <param name="Output">an output that replaces the pipeline's own (folder or az:// URI)</param>
public sealed record ClusterJob(
    string Name,
    string PipelinePath,
    int Tasks,
    IReadOnlyList<string> Command,
    int? Concurrency = null,
    int CpusPerTask = 1,
    string? Memory = null,
    string? Time = null,
    string? Partition = null,
    string? Output = null)
{
    /// <summary>A name engines accept: lower-case letters, digits and '-', at most 50 characters.</summary>
    public string JobName
    {
        get
        {
            var cleaned = new string([.. ("dataforge-" + Name).ToLowerInvariant().Select(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') ? c : '-')]);
            cleaned = string.Join('-', cleaned.Split('-', StringSplitOptions.RemoveEmptyEntries));
            return cleaned.Length <= 50 ? cleaned : cleaned[..50].TrimEnd('-');
        }
    }

    public IEnumerable<string> Validate()
    {
        if (Tasks < 1)
        {
            yield return "--tasks must be at least 1";
        }

        if (Concurrency is < 1)
        {
            yield return "--concurrency must be at least 1";
        }

        if (CpusPerTask < 1)
        {
            yield return "--cpus must be at least 1";
        }

        if (Command.Count == 0)
        {
            yield return "the command that starts DataForge on the nodes is empty";
        }
    }

    /// <summary>The arguments of one task's run (the engine supplies the index) or, with <paramref name="finish"/>, of the finishing run.</summary>
    public IReadOnlyList<string> RunArguments(bool finish)
    {
        var arguments = new List<string>(Command) { "run", PipelinePath, "--task-count", Tasks.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        arguments.AddRange(["--workers", finish ? "1" : CpusPerTask.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        if (Output is not null)
        {
            arguments.AddRange(["--output", Output]);
        }

        return arguments;
    }
}
