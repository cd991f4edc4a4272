using DataForge.Core.Storage;

namespace DataForge.Core.Pipeline;

/// <summary>What <c>dataforge status --retry-failed</c> reruns: the run's failed and stalled tasks, with its own pipeline.</summary>
public sealed record RetryPlan(PipelineSpec Spec, IReadOnlyList<int> Tasks, int TaskCount);

/// <summary>
/// Plans the rerun of a run's failed and stalled tasks. The pipeline must be the one the run was made with (same
/// configuration hash at the run's task count): rerunning tasks of another configuration would mix two outputs.
/// </summary>
public static class FailedTaskRetry
{
    public static bool NeedsRetry(TaskStatus task) => task.State is RunStatus.Failed or RunStatus.Stalled;

    public static RetryPlan Plan(PipelineRunner runner, PipelineSpec pipeline, string pipelineName, RunStatus status, string outputUri)
    {
        var spec = pipeline with { Output = StorageFactory.IsAzure(outputUri) ? outputUri : Path.GetFullPath(outputUri) };
        if (runner.ConfigHash(spec with { Tasks = status.Plan.Tasks }) != status.Plan.ConfigHash)
        {
            throw new UsageException($"{pipelineName} (or its inputs) is not what {outputUri} was run with: its configuration hash differs");
        }

        return new RetryPlan(spec, [.. status.Tasks.Where(NeedsRetry).Select(task => task.Task)], status.Plan.Tasks);
    }
}
