using System.IO.MemoryMappedFiles;

namespace DataForge.Packing.Shards;

/// <summary>Random reads of a shard file's bytes: from a memory map of a local file, or from a seekable stream.</summary>
internal interface IShardBytes : IDisposable
{
    long Length { get; }

    /// <summary>Fills <paramref name="destination"/> with the bytes at <paramref name="offset"/> (checked to be in the file).</summary>
    void Read(long offset, Span<byte> destination);
}

/// <summary>A local file mapped read-only: reads copy straight from the page cache, and nothing is read that is not asked for.</summary>
internal sealed class MappedShardBytes : IShardBytes
{
    private readonly MemoryMappedFile _map;
    private readonly MemoryMappedViewAccessor _view;

    public MappedShardBytes(string path)
    {
        Length = new FileInfo(path).Length;
        if (Length == 0)
        {
            throw new InvalidDataException("the file is empty");
        }

        _map = MemoryMappedFile.CreateFromFile(path, FileMode.Open, null, 0, MemoryMappedFileAccess.Read);
        _view = _map.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
    }

    public long Length { get; }

    public void Read(long offset, Span<byte> destination)
    {
        ShardBytesBounds.Check(offset, destination.Length, Length);
        _view.SafeMemoryMappedViewHandle.ReadSpan((ulong)(_view.PointerOffset + offset), destination);
    }

    public void Dispose()
    {
        _view.Dispose();
        _map.Dispose();
    }
}

/// <summary>A seekable stream (remote storage), read under a lock so that concurrent readers never interleave seeks.</summary>
internal sealed class StreamShardBytes(Stream stream) : IShardBytes
{
    private readonly Lock _gate = new();

    public long Length { get; } = stream.Length;

    public void Read(long offset, Span<byte> destination)
    {
        ShardBytesBounds.Check(offset, destination.Length, Length);
        lock (_gate)
        {
            stream.Position = offset;
            stream.ReadExactly(destination);
        }
    }

    public void Dispose() => stream.Dispose();
}

internal static class ShardBytesBounds
{
    public static void Check(long offset, int count, long length)
    {
        if (offset < 0 || count < 0 || offset > length - count)
        {
            throw new InvalidDataException($"a read of {count} bytes at {offset} falls outside the file's {length} bytes");
        }
    }
}
