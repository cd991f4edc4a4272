using DataForge.Core.Stages.Contract;

namespace DataForge.Core.Pipeline;

/// <summary>Live counters of a run, read by progress displays; updated with interlocked adds from any thread.</summary>
public sealed class RunCounters
{
    private long _samplesRead;
    private long _samplesWritten;
    private long _rejects;
    private long _inputBytesRead;
    private int _tasksDone;
    private int _tasksSkipped;

    public int TasksPlanned { get; set; }

    public long SamplesRead => Interlocked.Read(ref _samplesRead);

    public long SamplesWritten => Interlocked.Read(ref _samplesWritten);

    public long Rejects => Interlocked.Read(ref _rejects);

    public long InputBytesRead => Interlocked.Read(ref _inputBytesRead);

    public long InputBytesPlanned { get; set; }

    public int TasksDone => Volatile.Read(ref _tasksDone);

    public int TasksSkipped => Volatile.Read(ref _tasksSkipped);

    public void AddSamplesRead(long count = 1) => Interlocked.Add(ref _samplesRead, count);

    public void AddSamplesWritten(long count = 1) => Interlocked.Add(ref _samplesWritten, count);

    public void AddRejects(long count = 1) => Interlocked.Add(ref _rejects, count);

    public void AddInputBytes(long count) => Interlocked.Add(ref _inputBytesRead, count);

    public void TaskDone() => Interlocked.Increment(ref _tasksDone);

    public void TaskSkipped() => Interlocked.Increment(ref _tasksSkipped);
}
