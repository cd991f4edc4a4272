using DataForge.Core.Stages.Contract;
using DataForge.Core.Storage;

namespace DataForge.Core.Pipeline;

/// <summary>
/// Holds a task's lease while it runs: writes <c>_LEASE</c> at once and again every heartbeat, and deletes it when
/// disposed. <c>dataforge status</c> calls a task whose heartbeat is older than three intervals stalled (its process
/// died without a word, e.g. killed with -9 or its node lost).
/// </summary>
public sealed class TaskLeaseKeeper : IAsyncDisposable
{
    private readonly IStorage _output;
    private readonly int _task;
    private readonly TaskLease _lease;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private readonly TimeProvider _clock;

    private TaskLeaseKeeper(IStorage output, int task, TaskLease lease, TimeSpan interval, TimeProvider clock)
    {
        (_output, _task, _lease, _clock) = (output, task, lease, clock);
        _loop = HeartbeatAsync(interval, _stop.Token);
    }

    public static async Task<TaskLeaseKeeper> AcquireAsync(IStorage output, int task, TimeSpan interval, TimeProvider clock, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var lease = new TaskLease(Environment.MachineName, Environment.ProcessId, now, now);
        await StorageJson.WriteAsync(output, TaskFiles.Lease(task), lease, cancellationToken);
        return new TaskLeaseKeeper(output, task, lease, interval, clock);
    }

    private async Task HeartbeatAsync(TimeSpan interval, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(interval, _clock);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                try
                {
                    await StorageJson.WriteAsync(_output, TaskFiles.Lease(_task), _lease with { Heartbeat = _clock.GetUtcNow() }, cancellationToken);
                }
                catch (Exception e) when (e is IOException or DataForgeException)
                {
                    // A missed heartbeat only makes the task look stalled for a while; the work goes on.
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
        try
        {
            await _output.DeleteAsync(TaskFiles.Lease(_task));
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Never let the lease hide the task's own outcome: a lease left behind only looks stalled, and the next
            // run that finds the task done removes it.
        }
    }
}
