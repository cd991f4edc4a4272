using System.Text;
using System.Text.Json;
using DataForge.Core.Storage;

namespace DataForge.Core.Rejects;

/// <summary>
/// The rejects of one stage in one task. Lines go to a local scratch file as they come (so a flood of rejects
/// costs no memory) and are published atomically with the task; an empty sink publishes nothing.
/// </summary>
public sealed class RejectFile : IRejectSink, IAsyncDisposable
{
    private readonly string _stage;
    private readonly string _scratchPath;
    private readonly StreamWriter _writer;
    private readonly SortedDictionary<string, long> _countsByReason = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    private readonly Action? _onReject;
    private readonly Func<string, bool>? _isCatalogued;

    /// <param name="isCatalogued">Whether a reason code is in the reject catalogue; a code that is not is a bug.</param>
    public RejectFile(string stage, string scratchDirectory, Action? onReject = null, Func<string, bool>? isCatalogued = null)
    {
        _stage = stage;
        _onReject = onReject;
        _isCatalogued = isCatalogued;
        _scratchPath = Path.Combine(scratchDirectory, $"rejects-{Guid.NewGuid():N}.jsonl");
        _writer = new StreamWriter(_scratchPath, append: false, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false)) { NewLine = "\n" };
    }

    public IReadOnlyDictionary<string, long> CountsByReason => _countsByReason;

    public long Count { get; private set; }

    public ValueTask RejectAsync(string input, string reason, string message, CancellationToken cancellationToken = default)
    {
        if (_isCatalogued is not null && !_isCatalogued(reason))
        {
            throw new InvalidOperationException($"stage '{_stage}' rejected with '{reason}', which is not in the reject catalogue (declare it in its project's RejectReasons and the stage's definition)");
        }

        var line = JsonSerializer.Serialize(new Reject(_stage, input, reason, message), DataForgeJson.Compact);
        lock (_gate)
        {
            _writer.WriteLine(line);
            _countsByReason[reason] = _countsByReason.GetValueOrDefault(reason) + 1;
            Count++;
        }

        _onReject?.Invoke();

        return ValueTask.CompletedTask;
    }

    /// <summary>Publishes the rejects to <paramref name="path"/> if there are any; returns whether it did.</summary>
    public async Task<bool> PublishAsync(IStorage output, string path, CancellationToken cancellationToken)
    {
        await _writer.FlushAsync(cancellationToken);
        if (Count == 0)
        {
            return false;
        }

        await using var write = await output.BeginWriteAsync(path, cancellationToken);
        await using (var source = File.OpenRead(_scratchPath))
        {
            await source.CopyToAsync(write.Stream, cancellationToken);
        }

        await write.CommitAsync(cancellationToken);
        return true;
    }

    public async ValueTask DisposeAsync()
    {
        await _writer.DisposeAsync();
        File.Delete(_scratchPath);
    }
}
