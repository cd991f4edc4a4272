using System.Globalization;
using System.Text;

namespace DataForge.Core.Execution;

/// <summary>
/// The two sbatch scripts of a Slurm run: a job array with one array task per DataForge task (<c>%K</c> limits how
/// many run at once; a log per task), and a finishing job submitted with <c>--dependency=afterok:ARRAY</c> that writes the
/// run's manifest and <c>_SUCCESS</c> (every task is done by then; a rerun of the array skips finished tasks, so
/// resubmitting after a failure redoes only the unfinished ones).
/// </summary>
public static class SlurmScripts
{
    public static string Array(ClusterJob job, string logDirectory)
    {
        var script = Header(job, job.JobName, logDirectory, "%A_%a");
        script.Append(CultureInfo.InvariantCulture, $"#SBATCH --array=0-{job.Tasks - 1}{(job.Concurrency is { } limit ? $"%{limit}" : string.Empty)}\n");
        script.Append(CultureInfo.InvariantCulture, $"#SBATCH --cpus-per-task={job.CpusPerTask}\n");
        if (job.Memory is not null)
        {
            script.Append(CultureInfo.InvariantCulture, $"#SBATCH --mem={job.Memory}\n");
        }

        script.Append("set -euo pipefail\n");
        script.Append("# TaskSelection reads SLURM_ARRAY_TASK_ID (less SLURM_ARRAY_TASK_MIN) as this task's index.\n");
        script.Append("exec ").Append(Shell.Join(job.RunArguments(finish: false))).Append('\n');
        return script.ToString();
    }

    public static string Finish(ClusterJob job, string logDirectory)
    {
        var script = Header(job, job.JobName + "-finish", logDirectory, "%j");
        script.Append("#SBATCH --cpus-per-task=1\n");
        script.Append("set -euo pipefail\n");
        script.Append("# Every task is done (afterok): this run skips them all and writes _manifest.json and _SUCCESS.\n");
        script.Append("exec ").Append(Shell.Join(job.RunArguments(finish: true))).Append('\n');
        return script.ToString();
    }

    private static StringBuilder Header(ClusterJob job, string name, string logDirectory, string logPattern)
    {
        var script = new StringBuilder("#!/bin/bash\n");
        script.Append(CultureInfo.InvariantCulture, $"# Written by `dataforge run --executor slurm` for {job.PipelinePath} ({job.Tasks} tasks).\n");
        script.Append(CultureInfo.InvariantCulture, $"#SBATCH --job-name={name}\n");
        script.Append(CultureInfo.InvariantCulture, $"#SBATCH --output={Path.Combine(logDirectory, $"{name}-{logPattern}.log")}\n");
        if (job.Partition is not null)
        {
            script.Append(CultureInfo.InvariantCulture, $"#SBATCH --partition={job.Partition}\n");
        }

        if (job.Time is not null)
        {
            script.Append(CultureInfo.InvariantCulture, $"#SBATCH --time={job.Time}\n");
        }

        return script;
    }
}
