using System.Runtime.InteropServices;
using System.Text;

namespace DataForge.Packing.Shards;

/// <summary>
/// Reads shard rows from an Arrow IPC file (arrow.apache.org/docs/format/Columnar.html, "IPC File Format"): the footer's
/// record-batch blocks, each batch's RecordBatch header (its length, field nodes and buffer locations), and then the
/// list offsets and values straight from the file (memory-mapped when local), with no decoding and no decompression.
/// It reads the files DataForge writes (<see cref="ShardArrow.Schema"/>) and any other writer's with that schema, and
/// refuses others (compressed bodies, dictionaries, other columns or types, nulls) with the reason.
/// </summary>
internal sealed class ArrowShardFile : IDisposable
{
    private const int ListType = 12;
    private const int IntType = 2;
    private const int Utf8Type = 5;
    private const byte RecordBatchHeader = 3;
    private const int IntColumns = 8;
    private const int StringColumns = 2;

    private readonly IShardBytes _bytes;
    private readonly List<Batch> _batches = [];

    private sealed record Batch(long Rows, long Body, (long Length, long Nulls)[] Nodes, (long Offset, long Length)[] Buffers);

    public ArrowShardFile(IShardBytes bytes)
    {
        _bytes = bytes;
        try
        {
            ReadFooter();
        }
        catch
        {
            bytes.Dispose();
            throw;
        }
    }

    public int BatchCount => _batches.Count;

    public long BatchRows(int batch) => _batches[batch].Rows;

    public void Dispose() => _bytes.Dispose();

    private void ReadFooter()
    {
        var length = _bytes.Length;
        Span<byte> magic = stackalloc byte[6];
        if (length < 22)
        {
            throw new InvalidDataException("too short for an Arrow IPC file");
        }

        _bytes.Read(0, magic);
        var start = magic.SequenceEqual("ARROW1"u8);
        _bytes.Read(length - 6, magic);
        if (!start || !magic.SequenceEqual("ARROW1"u8))
        {
            throw new InvalidDataException("not an Arrow IPC file (no ARROW1 magic at both ends)");
        }

        Span<byte> size = stackalloc byte[4];
        _bytes.Read(length - 10, size);
        var footerLength = BitConverter.ToInt32(size);
        if (footerLength <= 0 || footerLength > length - 18)
        {
            throw new InvalidDataException($"the footer length {footerLength} does not fit the file");
        }

        var footerBytes = new byte[footerLength];
        _bytes.Read(length - 10 - footerLength, footerBytes);
        var footer = new FlatBuffer(footerBytes);
        var root = footer.Root;
        CheckSchema(footer, footer.Table(root, 1));
        if (footer.Vector(root, 2, 24).Count > 0)
        {
            throw new InvalidDataException("dictionary-encoded columns are not shard columns");
        }

        var (first, count) = footer.Vector(root, 3, 24);
        for (var b = 0; b < count; b++)
        {
            var block = first + (24 * b);
            _batches.Add(ReadBatch(footer.Int64At(block), footer.Int32(block + 8), footer.Int64At(block + 16)));
        }
    }

    /// <summary>The schema must be the shard schema: the ten columns in order, lists of int32 or of strings.</summary>
    private static void CheckSchema(FlatBuffer footer, int schema)
    {
        if (schema < 0)
        {
            throw new InvalidDataException("the footer has no schema");
        }

        var (first, count) = footer.Vector(schema, 1, 4);
        string[] names = [.. ShardSchema.IntColumns, .. ShardSchema.StringColumns];
        if (count != names.Length)
        {
            throw new InvalidDataException($"the schema has {count} columns, shards have {names.Length} ({string.Join(", ", names)})");
        }

        for (var k = 0; k < count; k++)
        {
            var field = footer.Follow(first + (4 * k));
            var name = footer.String(field, 0);
            var (childFirst, children) = footer.Vector(field, 5, 4);
            var child = children == 1 ? footer.Follow(childFirst) : -1;
            var childType = child < 0 ? -1 : footer.Byte(child, 2);
            var expected = k < IntColumns ? IntType : Utf8Type;
            var intOk = expected != IntType || (childType == IntType && footer.Table(child, 3) is var type and >= 0 && footer.Int32(type, 0) == 32 && footer.Byte(type, 1) == 1);
            if (name != names[k] || footer.Byte(field, 2) != ListType || childType != expected || !intOk)
            {
                throw new InvalidDataException($"column {k} is '{name}', not {names[k]} as a list of {(k < IntColumns ? "int32" : "strings")}");
            }
        }
    }

    private Batch ReadBatch(long offset, int metadataLength, long bodyLength)
    {
        if (metadataLength < 8 || offset < 8 || bodyLength < 0 || offset > _bytes.Length - metadataLength - bodyLength)
        {
            throw new InvalidDataException($"a record batch block ({offset}, {metadataLength}, {bodyLength}) does not fit the file");
        }

        var metadata = new byte[metadataLength];
        _bytes.Read(offset, metadata);
        // Encapsulated message: 0xFFFFFFFF and an int32 size (the pre-0.15 form has the size alone), then the Message.
        var prefix = BitConverter.ToInt32(metadata, 0) == -1 ? 8 : 4;
        var message = new FlatBuffer(metadata.AsSpan(prefix));
        var root = message.Root;
        if (message.Byte(root, 1) != RecordBatchHeader || message.Table(root, 2) is not (var batch and >= 0))
        {
            throw new InvalidDataException($"the block at {offset} is not a record batch");
        }

        if (message.Field(batch, 3) >= 0)
        {
            throw new InvalidDataException("the record batch body is compressed; DataForge maps uncompressed Arrow shards (pack --format arrow writes them)");
        }

        var (nodesAt, nodeCount) = message.Vector(batch, 1, 16);
        var (buffersAt, bufferCount) = message.Vector(batch, 2, 16);
        if (nodeCount != 2 * (IntColumns + StringColumns) || bufferCount != (4 * IntColumns) + (5 * StringColumns))
        {
            throw new InvalidDataException($"the record batch has {nodeCount} field nodes and {bufferCount} buffers, not the shard schema's 20 and 42");
        }

        var nodes = new (long, long)[nodeCount];
        for (var n = 0; n < nodeCount; n++)
        {
            nodes[n] = (message.Int64At(nodesAt + (16 * n)), message.Int64At(nodesAt + (16 * n) + 8));
        }

        var body = offset + metadataLength;
        var buffers = new (long, long)[bufferCount];
        for (var k = 0; k < bufferCount; k++)
        {
            var (at, length) = (message.Int64At(buffersAt + (16 * k)), message.Int64At(buffersAt + (16 * k) + 8));
            if (at < 0 || length < 0 || at > bodyLength - length)
            {
                throw new InvalidDataException($"buffer {k} ({at}, {length}) falls outside its record batch body");
            }

            buffers[k] = (body + at, length);
        }

        var rows = message.Int64(batch, 0);
        return rows is < 0 or > int.MaxValue ? throw new InvalidDataException($"a record batch of {rows} rows") : new Batch(rows, body, nodes, buffers);
    }

    /// <summary>The rows of one record batch; with <paramref name="columns"/>, only those columns are read.</summary>
    public List<ShardRow> ReadRows(int batchIndex, IReadOnlySet<string>? columns)
    {
        var batch = _batches[batchIndex];
        var count = (int)batch.Rows;
        var rows = new List<ShardRow>(count);
        for (var r = 0; r < count; r++)
        {
            rows.Add(new ShardRow());
        }

        for (var column = 0; column < IntColumns; column++)
        {
            var name = ShardSchema.IntColumns[column];
            if (columns is not null && !columns.Contains(name))
            {
                continue;
            }

            var offsets = Offsets(batch, 2 * column, (4 * column) + 1, name);
            var (valuesAt, valuesLength) = batch.Buffers[(4 * column) + 3];
            var values = batch.Nodes[(2 * column) + 1].Length;
            if (batch.Nodes[(2 * column) + 1].Nulls != 0 || valuesLength < 4 * values || offsets[count] > values)
            {
                throw new InvalidDataException($"column {name}: its values buffer holds fewer than its {offsets[count]} values, or nulls");
            }

            for (var r = 0; r < count; r++)
            {
                var list = new int[offsets[r + 1] - offsets[r]];
                _bytes.Read(valuesAt + (4L * offsets[r]), MemoryMarshal.AsBytes(list.AsSpan()));
                ShardSchema.SetIntColumn(rows[r], column, list);
            }
        }

        for (var column = 0; column < StringColumns; column++)
        {
            var name = ShardSchema.StringColumns[column];
            if (columns is not null && !columns.Contains(name))
            {
                continue;
            }

            var node = 2 * (IntColumns + column);
            var buffer = (4 * IntColumns) + (5 * column);
            var lists = Offsets(batch, node, buffer + 1, name);
            var strings = (int)batch.Nodes[node + 1].Length;
            if (batch.Nodes[node + 1].Nulls != 0 || lists[count] > strings)
            {
                throw new InvalidDataException($"column {name}: null strings, or lists past its {strings} strings");
            }

            var stringOffsets = new int[strings + 1];
            var (offsetsAt, offsetsLength) = batch.Buffers[buffer + 3];
            var (dataAt, dataLength) = batch.Buffers[buffer + 4];
            if (offsetsLength < 4L * (strings + 1))
            {
                throw new InvalidDataException($"column {name}: its string offsets buffer is too short");
            }

            _bytes.Read(offsetsAt, MemoryMarshal.AsBytes(stringOffsets.AsSpan()));
            var data = new byte[dataLength];
            _bytes.Read(dataAt, data);
            for (var r = 0; r < count; r++)
            {
                var values = new string[lists[r + 1] - lists[r]];
                for (var k = 0; k < values.Length; k++)
                {
                    var (from, to) = (stringOffsets[lists[r] + k], stringOffsets[lists[r] + k + 1]);
                    values[k] = from < 0 || to < from || to > data.Length ? throw new InvalidDataException($"column {name}: a string's offsets {from}..{to} fall outside its data") : Encoding.UTF8.GetString(data, from, to - from);
                }

                if (column == 0)
                {
                    rows[r].DocIds = values;
                }
                else
                {
                    rows[r].Media = values;
                }
            }
        }

        return rows;
    }

    /// <summary>A list column's rows + 1 offsets, checked to rise from 0 or more.</summary>
    private int[] Offsets(Batch batch, int node, int buffer, string name)
    {
        var count = (int)batch.Rows;
        if (batch.Nodes[node].Length != count || batch.Nodes[node].Nulls != 0)
        {
            throw new InvalidDataException($"column {name}: {batch.Nodes[node].Length} lists ({batch.Nodes[node].Nulls} null) in a batch of {count} rows");
        }

        var (at, length) = batch.Buffers[buffer];
        if (length < 4L * (count + 1))
        {
            throw new InvalidDataException($"column {name}: its offsets buffer is too short");
        }

        var offsets = new int[count + 1];
        _bytes.Read(at, MemoryMarshal.AsBytes(offsets.AsSpan()));
        for (var r = 0; r < count; r++)
        {
            if (offsets[r] < 0 || offsets[r + 1] < offsets[r])
            {
                throw new InvalidDataException($"column {name}: row {r}'s list offsets {offsets[r]}..{offsets[r + 1]} do not rise");
            }
        }

        return offsets;
    }
}
