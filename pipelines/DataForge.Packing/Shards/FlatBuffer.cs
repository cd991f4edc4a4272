using System.Buffers.Binary;

namespace DataForge.Packing.Shards;

/// <summary>
/// Just enough of the FlatBuffers wire format (flatbuffers.dev/internals) to read Arrow IPC metadata: a table is an int32
/// offset back to its vtable, whose uint16 entries give each field's position in the table (0: absent); references to
/// tables, vectors and strings are uint32 offsets forward from where they are stored. Every position is checked
/// against the buffer, so a damaged file is an InvalidDataException, never a read outside it.
/// </summary>
internal readonly ref struct FlatBuffer(ReadOnlySpan<byte> bytes)
{
    private readonly ReadOnlySpan<byte> _bytes = bytes;

    /// <summary>The root table (the uint32 at the start).</summary>
    public int Root => Follow(0);

    /// <summary>Where field <paramref name="field"/> of the table at <paramref name="table"/> is stored, or -1 when absent.</summary>
    public int Field(int table, int field)
    {
        var vtable = table - Int32(table);
        var vtableBytes = UInt16(vtable);
        var entry = 4 + (2 * field);
        if (entry + 2 > vtableBytes)
        {
            return -1;
        }

        var offset = UInt16(vtable + entry);
        return offset == 0 ? -1 : Check(table + offset, 1);
    }

    /// <summary>The table, vector or string that the reference stored at <paramref name="at"/> points to.</summary>
    public int Follow(int at) => Check(at + (int)UInt32(at), 4);

    /// <summary>The table a reference field points to, or -1 when the field is absent.</summary>
    public int Table(int table, int field) => Field(table, field) is var at and >= 0 ? Follow(at) : -1;

    public long Int64(int table, int field, long absent = 0) => Field(table, field) is var at and >= 0 ? Int64At(at) : absent;

    public int Int32(int table, int field, int absent = 0) => Field(table, field) is var at and >= 0 ? Int32(at) : absent;

    public byte Byte(int table, int field, byte absent = 0) => Field(table, field) is var at and >= 0 ? _bytes[Check(at, 1)] : absent;

    /// <summary>A vector field: where its first element is and how many it holds (0 elements when absent).</summary>
    public (int First, int Count) Vector(int table, int field, int elementBytes)
    {
        if (Field(table, field) is not (var at and >= 0))
        {
            return (0, 0);
        }

        var vector = Follow(at);
        var count = (int)UInt32(vector);
        if (count < 0 || (long)count * elementBytes > _bytes.Length - vector - 4)
        {
            throw new InvalidDataException($"a vector of {count} elements runs past the metadata");
        }

        return (vector + 4, count);
    }

    public string String(int table, int field)
    {
        if (Field(table, field) is not (var at and >= 0))
        {
            return string.Empty;
        }

        var text = Follow(at);
        var length = (int)UInt32(text);
        return length < 0 || length > _bytes.Length - text - 4
            ? throw new InvalidDataException("a string runs past the metadata")
            : System.Text.Encoding.UTF8.GetString(_bytes.Slice(text + 4, length));
    }

    public long Int64At(int at) => BinaryPrimitives.ReadInt64LittleEndian(_bytes[Check(at, 8)..]);

    public int Int32(int at) => BinaryPrimitives.ReadInt32LittleEndian(_bytes[Check(at, 4)..]);

    private uint UInt32(int at) => BinaryPrimitives.ReadUInt32LittleEndian(_bytes[Check(at, 4)..]);

    private ushort UInt16(int at) => BinaryPrimitives.ReadUInt16LittleEndian(_bytes[Check(at, 2)..]);

    private int Check(int at, int size) =>
        at >= 0 && at <= _bytes.Length - size ? at : throw new InvalidDataException($"a reference to byte {at} falls outside the {_bytes.Length} bytes of metadata");
}
