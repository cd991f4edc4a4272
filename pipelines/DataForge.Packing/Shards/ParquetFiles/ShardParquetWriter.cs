using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using DataForge.Core;

namespace DataForge.Packing.Shards.ParquetFiles;

/// <summary>
/// Writes a shard's Parquet file (schemas/packed-shards.md) straight from a row group's flat column buffers: the
/// Apache Parquet file format (parquet-format, README.md "File format" and parquet.thrift), one v1 data page per column
/// chunk holding RLE levels (<see cref="LevelRuns"/>) and PLAIN values, compressed by <see cref="PageCodec"/>, and the
/// footer in Thrift's compact protocol with min/max statistics and type-defined column orders. The schema is the one
/// Parquet.Net wrote for the same rows (optional 3-level lists of required int32, and of optional UTF-8 strings), so
/// every reader sees the same table; the values are laid out with one copy and no per-value work, which is what made
/// the general-purpose writer the largest share of pack (bench/README.md, "Profile").
/// </summary>
internal sealed class ShardParquetWriter : IDisposable
{
    private const int TypeInt32 = 1;
    private const int TypeByteArray = 6;
    private const int Required = 0;
    private const int Optional = 1;
    private const int Repeated = 2;
    private const int EncodingPlain = 0;
    private const int EncodingRle = 3;

    /// <summary>Definition levels: an optional list present but empty (1), with entries (2), its optional strings present (3).</summary>
    private const int EmptyList = 1;
    private const int IntPresent = 2;
    private const int StringPresent = 3;

    private static readonly byte[] Magic = "PAR1"u8.ToArray();

    private readonly Stream _output;
    private readonly PageCodec _codec;
    private readonly LevelRuns _repetition = new();
    private readonly LevelRuns _definition = new();
    private ArrayBufferWriter<byte> _page = new(1 << 16);
    private ArrayBufferWriter<byte> _previousPage = new(1 << 16);
    private (int Start, int Total, int HeaderLength)? _previousChunk;
    private readonly ThriftCompactWriter _thrift = new();
    private readonly List<RowGroupMeta> _rowGroups = [];
    private List<ColumnChunkMeta> _chunks = [];
    private byte[] _chunk = [];
    private long _position;

    public ShardParquetWriter(Stream output, string compression)
    {
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("the shard writer lays int32 values out as little-endian bytes, as Parquet's PLAIN encoding stores them");
        }

        _output = output;
        _codec = new PageCodec(compression);
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await _output.WriteAsync(Magic, cancellationToken);
        _position = Magic.Length;
    }

    /// <summary>Writes int column <paramref name="column"/> of the open row group: row r holds values[offsets[r]..offsets[r + 1]].</summary>
    public Task WriteIntColumnAsync(int column, ReadOnlyMemory<int> values, ReadOnlyMemory<int> offsets, CancellationToken cancellationToken)
    {
        _repetition.Clear();
        _definition.Clear();
        _page.ResetWrittenCount(); // not Clear(): that zeroes the 2 MB just written
        var rowOffsets = offsets.Span;
        long empty = 0;
        for (var r = 0; r + 1 < rowOffsets.Length; r++)
        {
            var length = rowOffsets[r + 1] - rowOffsets[r];
            _repetition.Add(0, 1);
            if (length == 0)
            {
                _definition.Add(EmptyList, 1);
                empty++;
                continue;
            }

            _repetition.Add(1, length - 1);
            _definition.Add(IntPresent, length);
        }

        _repetition.WriteTo(_page);
        _definition.WriteTo(_page);
        var span = values.Span;
        _page.Write(MemoryMarshal.AsBytes(span));
        byte[]? min = null, max = null;
        if (span.Length > 0)
        {
            var (low, high) = MinMax(span);
            min = BitConverter.GetBytes(low);
            max = BitConverter.GetBytes(high);
        }

        return WriteChunkAsync(ShardSchema.IntColumns[column], TypeInt32, new Statistics(empty, min, max), cancellationToken);
    }

    /// <summary>Writes string column <paramref name="column"/> (an index into <see cref="ShardSchema.StringColumns"/>) of the open row group.</summary>
    public Task WriteStringColumnAsync(int column, IReadOnlyList<string[]> lists, CancellationToken cancellationToken)
    {
        _repetition.Clear();
        _definition.Clear();
        var values = new ArrayBufferWriter<byte>(256);
        long empty = 0;
        (int Start, int Length) min = (-1, 0), max = (-1, 0);
        foreach (var list in lists)
        {
            if (list.Length == 0)
            {
                _repetition.Add(0, 1);
                _definition.Add(EmptyList, 1);
                empty++;
                continue;
            }

            for (var i = 0; i < list.Length; i++)
            {
                _repetition.Add(i == 0 ? 0 : 1, 1);
                _definition.Add(StringPresent, 1);
                var bytes = Encoding.UTF8.GetByteCount(list[i]);
                BinaryPrimitives.WriteInt32LittleEndian(values.GetSpan(4), bytes);
                values.Advance(4);
                var start = values.WrittenCount;
                Encoding.UTF8.GetBytes(list[i], values.GetSpan(bytes));
                values.Advance(bytes);
                // Statistics order strings by their UTF-8 bytes, unsigned (parquet.thrift, ColumnOrder for BYTE_ARRAY).
                var value = values.WrittenSpan.Slice(start, bytes);
                if (min.Start < 0 || value.SequenceCompareTo(values.WrittenSpan.Slice(min.Start, min.Length)) < 0)
                {
                    min = (start, bytes);
                }

                if (max.Start < 0 || value.SequenceCompareTo(values.WrittenSpan.Slice(max.Start, max.Length)) > 0)
                {
                    max = (start, bytes);
                }
            }
        }

        _page.ResetWrittenCount(); // not Clear(): that zeroes the 2 MB just written
        _repetition.WriteTo(_page);
        _definition.WriteTo(_page);
        _page.Write(values.WrittenSpan);
        var statistics = min.Start < 0
            ? new Statistics(empty, null, null)
            : new Statistics(empty, values.WrittenSpan.Slice(min.Start, min.Length).ToArray(), values.WrittenSpan.Slice(max.Start, max.Length).ToArray());
        return WriteChunkAsync(ShardSchema.StringColumns[column], TypeByteArray, statistics, cancellationToken);
    }

    /// <summary>Closes the open row group of <paramref name="rows"/> rows; every column has been written.</summary>
    public void EndRowGroup(int rows)
    {
        if (_chunks.Count != ShardSchema.IntColumns.Length + ShardSchema.StringColumns.Length)
        {
            throw new InvalidOperationException($"a row group needs all {ShardSchema.IntColumns.Length + ShardSchema.StringColumns.Length} columns; {_chunks.Count} were written");
        }

        _rowGroups.Add(new RowGroupMeta(_chunks, rows));
        _chunks = [];
    }

    /// <summary>Writes the footer: FileMetaData, its length and the closing magic.</summary>
    public async Task FinishAsync(CancellationToken cancellationToken)
    {
        _thrift.Clear();
        WriteFileMetaData();
        var footer = new byte[_thrift.Written.Length + 8];
        _thrift.Written.CopyTo(footer);
        BinaryPrimitives.WriteInt32LittleEndian(footer.AsSpan(_thrift.Written.Length), _thrift.Written.Length);
        Magic.CopyTo(footer, _thrift.Written.Length + 4);
        await _output.WriteAsync(footer, cancellationToken);
        _position += footer.Length;
    }

    public void Dispose() => _codec.Dispose();

    private Task WriteChunkAsync(string name, int type, Statistics statistics, CancellationToken cancellationToken)
    {
        // The page is compressed behind room for its header (short: four small fields), which is then written in
        // front of it, so the chunk leaves in one write.
        const int headerRoom = 64;
        var page = _page.WrittenSpan;
        int start, total, headerLength;
        if (_previousChunk is { } previous && page.SequenceEqual(_previousPage.WrittenSpan))
        {
            // The same page bytes as the column before (position, t, h and w of a row group without images are the
            // same numbers): the same header and compressed bytes, which the chunk buffer still holds (the write
            // that sent them has completed), so they are sent again instead of compressed again. The file is the
            // same bytes either way; it saved three of seven compressions of a text row group (issue 21).
            (start, total, headerLength) = previous;
        }
        else
        {
            var bound = _codec.MaxCompressedLength(page.Length) + headerRoom;
            if (_chunk.Length < bound)
            {
                _chunk = new byte[Math.Max(bound, _chunk.Length * 2)];
            }

            var compressedLength = _codec.Compress(page, _chunk.AsSpan(headerRoom));
            _thrift.Clear();
            WritePageHeader(page.Length, compressedLength, _definition.Levels);
            var header = _thrift.Written;
            if (header.Length > headerRoom)
            {
                throw new InvalidOperationException($"a page header of {header.Length} bytes does not fit the {headerRoom} reserved for it");
            }

            start = headerRoom - header.Length;
            header.CopyTo(_chunk.AsSpan(start));
            headerLength = header.Length;
            total = header.Length + compressedLength;
        }

        _chunks.Add(new ColumnChunkMeta(name, type, _definition.Levels, headerLength + page.Length, total, _position, statistics));
        _position += total;
        _previousChunk = (start, total, headerLength);
        (_page, _previousPage) = (_previousPage, _page);
        return _output.WriteAsync(_chunk.AsMemory(start, total), cancellationToken).AsTask();
    }

    private void WritePageHeader(int uncompressed, int compressed, long levels)
    {
        // PageHeader: 1 type (DATA_PAGE 0), 2 uncompressed_page_size, 3 compressed_page_size, 5 data_page_header.
        _thrift.BeginStruct();
        _thrift.I32Field(1, 0);
        _thrift.I32Field(2, uncompressed);
        _thrift.I32Field(3, compressed);
        _thrift.BeginStructField(5);
        // DataPageHeader: 1 num_values, 2 encoding, 3 definition_level_encoding, 4 repetition_level_encoding.
        _thrift.I32Field(1, checked((int)levels));
        _thrift.I32Field(2, EncodingPlain);
        _thrift.I32Field(3, EncodingRle);
        _thrift.I32Field(4, EncodingRle);
        _thrift.EndStruct();
        _thrift.EndStruct();
    }

    private void WriteFileMetaData()
    {
        var columns = ShardSchema.IntColumns.Length + ShardSchema.StringColumns.Length;
        _thrift.BeginStruct();
        _thrift.I32Field(1, 1); // version
        _thrift.StructListField(2, 1 + (3 * columns));
        SchemaElement(name: "root", numChildren: columns);
        foreach (var column in ShardSchema.IntColumns)
        {
            ListElements(column, TypeInt32, Required);
        }

        foreach (var column in ShardSchema.StringColumns)
        {
            ListElements(column, TypeByteArray, Optional);
        }

        _thrift.I64Field(3, _rowGroups.Sum(group => (long)group.Rows));
        _thrift.StructListField(4, _rowGroups.Count);
        for (var g = 0; g < _rowGroups.Count; g++)
        {
            WriteRowGroup(_rowGroups[g], g);
        }

        _thrift.StringField(6, $"DataForge version {DataForgeJson.DataForgeVersion}");
        // column_orders: TYPE_ORDER for every leaf, so readers take min_value / max_value as signed int32 and
        // unsigned-byte string orders (parquet.thrift ColumnOrder).
        _thrift.StructListField(7, columns);
        for (var c = 0; c < columns; c++)
        {
            _thrift.BeginStruct();
            _thrift.BeginStructField(1);
            _thrift.EndStruct();
            _thrift.EndStruct();
        }

        _thrift.EndStruct();
    }

    /// <summary>The three schema elements of a list column: optional group (LIST), repeated group list, element.</summary>
    private void ListElements(string name, int type, int elementRepetition)
    {
        SchemaElement(name, repetition: Optional, numChildren: 1, convertedType: 3, logicalType: 3);
        SchemaElement("list", repetition: Repeated, numChildren: 1);
        if (type == TypeInt32)
        {
            SchemaElement("element", type: TypeInt32, repetition: elementRepetition, convertedType: 17, logicalType: 10);
        }
        else
        {
            SchemaElement("element", type: TypeByteArray, repetition: elementRepetition, convertedType: 0, logicalType: 1);
        }
    }

    /// <param name="convertedType">parquet.thrift ConvertedType: UTF8 0, LIST 3, INT_32 17</param>
    /// <param name="logicalType">the LogicalType union's field: STRING 1, LIST 3, INTEGER 10 (32 bits, signed)</param>
    private void SchemaElement(string name, int? type = null, int? repetition = null, int? numChildren = null, int? convertedType = null, short? logicalType = null)
    {
        _thrift.BeginStruct();
        if (type is { } t)
        {
            _thrift.I32Field(1, t);
        }

        if (repetition is { } r)
        {
            _thrift.I32Field(3, r);
        }

        _thrift.StringField(4, name);
        if (numChildren is { } n)
        {
            _thrift.I32Field(5, n);
        }

        if (convertedType is { } converted)
        {
            _thrift.I32Field(6, converted);
        }

        if (logicalType is { } logical)
        {
            _thrift.BeginStructField(10);
            _thrift.BeginStructField(logical);
            if (logical == 10)
            {
                _thrift.ByteField(1, 32);
                _thrift.BoolField(2, true);
            }

            _thrift.EndStruct();
            _thrift.EndStruct();
        }

        _thrift.EndStruct();
    }

    private void WriteRowGroup(RowGroupMeta group, int ordinal)
    {
        // RowGroup: 1 columns, 2 total_byte_size, 3 num_rows, 5 file_offset, 6 total_compressed_size, 7 ordinal.
        _thrift.BeginStruct();
        _thrift.StructListField(1, group.Columns.Count);
        foreach (var chunk in group.Columns)
        {
            // ColumnChunk: 2 file_offset (where its first page starts), 3 meta_data.
            _thrift.BeginStruct();
            _thrift.I64Field(2, chunk.DataPageOffset);
            _thrift.BeginStructField(3);
            // ColumnMetaData: 1 type, 2 encodings, 3 path_in_schema, 4 codec, 5 num_values,
            // 6 total_uncompressed_size, 7 total_compressed_size, 9 data_page_offset, 12 statistics.
            _thrift.I32Field(1, chunk.Type);
            _thrift.I32ListField(2, [EncodingPlain, EncodingRle]);
            _thrift.StringListField(3, [chunk.Name, "list", "element"]);
            _thrift.I32Field(4, _codec.CodecId);
            _thrift.I64Field(5, chunk.Values);
            _thrift.I64Field(6, chunk.UncompressedBytes);
            _thrift.I64Field(7, chunk.CompressedBytes);
            _thrift.I64Field(9, chunk.DataPageOffset);
            // Statistics: 3 null_count, 5 max_value, 6 min_value.
            _thrift.BeginStructField(12);
            _thrift.I64Field(3, chunk.Statistics.Nulls);
            if (chunk.Statistics.Max is { } max)
            {
                _thrift.BinaryField(5, max);
            }

            if (chunk.Statistics.Min is { } min)
            {
                _thrift.BinaryField(6, min);
            }

            _thrift.EndStruct();
            _thrift.EndStruct();
            _thrift.EndStruct();
        }

        _thrift.I64Field(2, group.Columns.Sum(chunk => chunk.UncompressedBytes));
        _thrift.I64Field(3, group.Rows);
        _thrift.I64Field(5, group.Columns[0].DataPageOffset);
        _thrift.I64Field(6, group.Columns.Sum(chunk => chunk.CompressedBytes));
        _thrift.I16Field(7, (short)ordinal);
        _thrift.EndStruct();
    }

    private static (int Min, int Max) MinMax(ReadOnlySpan<int> values)
    {
        var min = int.MaxValue;
        var max = int.MinValue;
        var i = 0;
        if (System.Numerics.Vector.IsHardwareAccelerated && values.Length >= System.Numerics.Vector<int>.Count * 2)
        {
            var low = new System.Numerics.Vector<int>(int.MaxValue);
            var high = new System.Numerics.Vector<int>(int.MinValue);
            var vectors = MemoryMarshal.Cast<int, System.Numerics.Vector<int>>(values);
            foreach (var vector in vectors)
            {
                low = System.Numerics.Vector.Min(low, vector);
                high = System.Numerics.Vector.Max(high, vector);
            }

            for (var lane = 0; lane < System.Numerics.Vector<int>.Count; lane++)
            {
                min = Math.Min(min, low[lane]);
                max = Math.Max(max, high[lane]);
            }

            i = vectors.Length * System.Numerics.Vector<int>.Count;
        }

        for (; i < values.Length; i++)
        {
            min = Math.Min(min, values[i]);
            max = Math.Max(max, values[i]);
        }

        return (min, max);
    }

    private sealed record Statistics(long Nulls, byte[]? Min, byte[]? Max);

    private sealed record ColumnChunkMeta(string Name, int Type, long Values, long UncompressedBytes, long CompressedBytes, long DataPageOffset, Statistics Statistics);

    private sealed record RowGroupMeta(List<ColumnChunkMeta> Columns, int Rows);
}
