using DataForge.Core.Hashing;
using DataForge.Core.Model;
using DataForge.Core.Storage;
using Parquet;
using Parquet.Serialization;

namespace DataForge.Core.SampleSets;

/// <summary>A part file the writer published: what the manifest lists for it.</summary>
public sealed record SampleFileInfo(string Name, long Samples, long Bytes, string Sha256, PartCounts Parts);

/// <summary>
/// Writes one <c>part-NNNNN.parquet</c>. Samples are buffered one row group at a time (bounded memory) and
/// appended to an atomic write; nothing is visible under the final name until <see cref="CompleteAsync"/>.
/// </summary>
public sealed class SampleSetWriter : IAsyncDisposable
{
    private readonly IAtomicWrite _write;
    private readonly string _name;
    private readonly int _rowGroupSize;
    private readonly List<SampleRow> _pending;
    private readonly PartCounts _parts = new();
    private long _samples;
    private bool _anyRowGroup;

    private SampleSetWriter(IAtomicWrite write, string name, int rowGroupSize)
    {
        _write = write;
        _name = name;
        _rowGroupSize = rowGroupSize;
        _pending = new List<SampleRow>(rowGroupSize);
    }

    public static async Task<SampleSetWriter> CreateAsync(IStorage output, string name, int rowGroupSize = 1024, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rowGroupSize, 1);
        var write = await output.BeginWriteAsync(name, cancellationToken);
        return new SampleSetWriter(write, name, rowGroupSize);
    }

    public async ValueTask WriteAsync(Sample sample, CancellationToken cancellationToken = default)
    {
        _pending.Add(SampleRowMapper.ToRow(sample));
        _parts.Add(sample);
        _samples++;
        if (_pending.Count >= _rowGroupSize)
        {
            await FlushRowGroupAsync(cancellationToken);
        }
    }

    public async Task<SampleFileInfo> CompleteAsync(CancellationToken cancellationToken = default)
    {
        if (_pending.Count > 0 || !_anyRowGroup)
        {
            await FlushRowGroupAsync(cancellationToken);
        }

        var (bytes, sha256) = await _write.CommitHashedAsync(cancellationToken);
        return new SampleFileInfo(_name, _samples, bytes, sha256, _parts);
    }

    public ValueTask DisposeAsync() => _write.DisposeAsync();

    private async Task FlushRowGroupAsync(CancellationToken cancellationToken)
    {
        var stream = _write.Stream;
        // Append re-reads the footer written so far and adds one row group; the stream is a seekable local file.
        stream.Position = _anyRowGroup ? 0 : stream.Position;
        await ParquetSerializer.SerializeAsync(
            _pending,
            stream,
            new ParquetOptions { Append = _anyRowGroup, RowGroupSize = Math.Max(_pending.Count, 1) },
            cancellationToken: cancellationToken);
        _anyRowGroup = true;
        _pending.Clear();
    }
}
