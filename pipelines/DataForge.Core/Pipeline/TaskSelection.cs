using System.Globalization;
using DataForge.Core.Stages.Contract;

namespace DataForge.Core.Pipeline;

/// <summary>
/// Which tasks this process runs: all of them (local), or one, named on the command line or by the engine that
/// launched it: Slurm job arrays (<c>SLURM_ARRAY_TASK_ID</c>, offset by <c>SLURM_ARRAY_TASK_MIN</c>, with
/// <c>SLURM_ARRAY_TASK_COUNT</c>) or Kubernetes Indexed Jobs (<c>JOB_COMPLETION_INDEX</c>).
/// </summary>
public sealed record TaskSelection(int? TaskIndex, int? TaskCount)
{
    public static TaskSelection Resolve(int? taskIndex, int? taskCount, Func<string, string?> environment)
    {
        if (taskIndex is null && Parse(environment, "SLURM_ARRAY_TASK_ID") is { } slurmId)
        {
            taskIndex = slurmId - (Parse(environment, "SLURM_ARRAY_TASK_MIN") ?? 0);
            taskCount ??= Parse(environment, "SLURM_ARRAY_TASK_COUNT");
        }

        taskIndex ??= Parse(environment, "JOB_COMPLETION_INDEX");
        if (taskCount is < 1)
        {
            throw new UsageException($"--task-count must be at least 1, not {taskCount}");
        }

        if (taskIndex is < 0 || (taskIndex is not null && taskCount is not null && taskIndex >= taskCount))
        {
            throw new UsageException($"task index {taskIndex} is outside 0..{(taskCount ?? 1) - 1}");
        }

        return new TaskSelection(taskIndex, taskCount);
    }

    private static int? Parse(Func<string, string?> environment, string name)
    {
        var value = environment(name);
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }

        return int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed)
            ? parsed
            : throw new UsageException($"environment variable {name}='{value}' is not a task number");
    }
}
