using DataForge.Core.SampleSets;
using DataForge.Core.Stages.Contract;
using DataForge.Core.Storage;

namespace DataForge.Core.Pipeline;

/// <summary>A task's state: done, running (fresh lease), stalled (stale lease, no word), failed (with its error), missing.</summary>
public sealed record TaskStatus(int Task, string State, string? Detail);

/// <summary>The tasks of a run's output, from <c>_tasks/</c>: its plan, each task's _SUCCESS, _LEASE and _FAILED.</summary>
public sealed record RunStatus(RunPlan Plan, bool Finished, IReadOnlyList<TaskStatus> Tasks)
{
    public const string Done = "done";
    public const string Running = "running";
    public const string Stalled = "stalled";
    public const string Failed = "failed";
    public const string Missing = "missing";

    public static async Task<RunStatus> ReadAsync(IStorage output, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (!await output.ExistsAsync(TaskFiles.Plan, cancellationToken))
        {
            throw new DataForgeException($"{output.Uri} has no {TaskFiles.Plan}: it is not the output of a DataForge run (or of one older than this version)");
        }

        var plan = await StorageJson.ReadAsync<RunPlan>(output, TaskFiles.Plan, "a run plan", cancellationToken);
        if (plan.Tasks is < 1 or > PipelineSpec.MaxTasks)
        {
            // No run plans more tasks than a run may have; status would otherwise look for each of 10^9 task folders.
            throw new DataForgeException($"{StoragePaths.Join(output.Uri, TaskFiles.Plan)} claims {plan.Tasks:N0} tasks, outside 1..{PipelineSpec.MaxTasks:N0}: it was not written by a DataForge run");
        }

        var tasks = new List<TaskStatus>();
        for (var task = 0; task < plan.Tasks; task++)
        {
            tasks.Add(await TaskAsync(output, plan, task, now, cancellationToken));
        }

        return new RunStatus(plan, await output.ExistsAsync(SampleSetFiles.Success, cancellationToken), tasks);
    }

    private static async Task<TaskStatus> TaskAsync(IStorage output, RunPlan plan, int task, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (await output.ExistsAsync(SampleSetFiles.TaskSuccess(task), cancellationToken))
        {
            var report = await StorageJson.ReadAsync<TaskReport>(output, SampleSetFiles.TaskSuccess(task), "a task report", cancellationToken);
            return report.ConfigHash == plan.ConfigHash
                ? new TaskStatus(task, Done, $"{report.Samples} samples")
                : new TaskStatus(task, Missing, "done for another configuration; a rerun redoes it");
        }

        if (await output.ExistsAsync(TaskFiles.Lease(task), cancellationToken))
        {
            var lease = await StorageJson.ReadAsync<TaskLease>(output, TaskFiles.Lease(task), "a task lease", cancellationToken);
            var age = now - lease.Heartbeat;
            var where = $"{lease.Host} pid {lease.Pid}, heartbeat {age.TotalSeconds:0} s ago, started {lease.Started:u}";
            return age <= TimeSpan.FromSeconds(3 * TaskFiles.HeartbeatSeconds) ? new TaskStatus(task, Running, where) : new TaskStatus(task, Stalled, where);
        }

        if (await output.ExistsAsync(TaskFiles.Failure(task), cancellationToken))
        {
            var failure = await StorageJson.ReadAsync<TaskFailure>(output, TaskFiles.Failure(task), "a task failure record", cancellationToken);
            return new TaskStatus(task, Failed, $"{failure.At:u} on {failure.Host}: {failure.Error}");
        }

        return new TaskStatus(task, Missing, null);
    }
}
