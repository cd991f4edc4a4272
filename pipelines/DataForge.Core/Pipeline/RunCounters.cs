using DataForge.Core.Stages.Contract;

namespace DataForge.Core.Pipeline;

/// <summary>Live counters of a run, read by progress displays; updated with interlocked adds from any thread.</summary>
public sealed class RunCounters
{
    private long _samplesRead;
    private long _samplesWritten;
    private long _rejects;
    private long _inputBytesRead;
    private long _rowsWritten;
    private long _tokensWritten;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, long> _inFlight = new(StringComparer.Ordinal);
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

    /// <summary>Packed rows written by pack, and the real tokens in them (progress lines show them instead of samples).</summary>
    public long RowsWritten => Interlocked.Read(ref _rowsWritten);

    public long TokensWritten => Interlocked.Read(ref _tokensWritten);

    public void AddRowsWritten(long rows, long tokens)
    {
        Interlocked.Add(ref _rowsWritten, rows);
        Interlocked.Add(ref _tokensWritten, tokens);
    }

    /// <summary>Bytes of a file read so far (<see cref="ProgressReadStream"/>), counted as they are read.</summary>
    public void FileProgress(string uri, long bytes)
    {
        _inFlight.AddOrUpdate(uri, bytes, (_, before) => before + bytes);
        Interlocked.Add(ref _inputBytesRead, bytes);
    }

    /// <summary>A file is done: its whole length counts, less what its stream already reported.</summary>
    public void FileDone(string uri, long length)
    {
        _inFlight.TryRemove(uri, out var counted);
        Interlocked.Add(ref _inputBytesRead, Math.Max(0, length - counted));
    }

    public void TaskDone() => Interlocked.Increment(ref _tasksDone);

    public void TaskSkipped() => Interlocked.Increment(ref _tasksSkipped);
}
