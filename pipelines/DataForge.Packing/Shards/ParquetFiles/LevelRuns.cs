using System.Buffers;
using System.Buffers.Binary;

namespace DataForge.Packing.Shards.ParquetFiles;

/// <summary>
/// Dremel repetition or definition levels in Parquet's RLE / bit-packing hybrid encoding (parquet-format
/// Encodings.md, "Run Length Encoding / Bit-Packing Hybrid"), written as RLE runs only: the shard columns' levels are
/// long runs of one value (a list of L entries is one 0 and L - 1 ones of repetition, L equal definition levels), so a
/// row costs a few bytes whatever L is. Levels here are at most 3, so each run's value is one byte. In a v1 data page
/// the encoded levels are preceded by their byte length (4 bytes, little-endian).
/// </summary>
internal sealed class LevelRuns
{
    private readonly ArrayBufferWriter<byte> _buffer = new(1024);
    private int _value = -1;
    private long _count;

    /// <summary>Levels written so far, in values (the page's num_values for either kind of level).</summary>
    public long Levels { get; private set; }

    public void Clear()
    {
        _buffer.ResetWrittenCount();
        _value = -1;
        _count = 0;
        Levels = 0;
    }

    /// <summary>Appends <paramref name="count"/> levels of <paramref name="value"/>, merged into the open run when equal.</summary>
    public void Add(int value, long count)
    {
        if (count <= 0)
        {
            return;
        }

        Levels += count;
        if (value == _value)
        {
            _count += count;
            return;
        }

        Flush();
        _value = value;
        _count = count;
    }

    /// <summary>The 4-byte length and the runs, as a v1 data page holds them.</summary>
    public void WriteTo(ArrayBufferWriter<byte> page)
    {
        Flush();
        BinaryPrimitives.WriteInt32LittleEndian(page.GetSpan(4), _buffer.WrittenCount);
        page.Advance(4);
        page.Write(_buffer.WrittenSpan);
    }

    private void Flush()
    {
        // A run's header is its length shifted left once (the low bit 0 says RLE) as an unsigned varint; a run is
        // at most 2^31 - 1 values, so a longer one is split.
        while (_count > 0)
        {
            var run = (int)Math.Min(_count, int.MaxValue);
            var span = _buffer.GetSpan(11);
            var written = 0;
            var header = (ulong)run << 1;
            while (header >= 0x80)
            {
                span[written++] = (byte)(header | 0x80);
                header >>= 7;
            }

            span[written++] = (byte)header;
            span[written++] = (byte)_value;
            _buffer.Advance(written);
            _count -= run;
        }

        _count = 0;
    }
}
