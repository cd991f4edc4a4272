using System.Buffers;
using System.Text;

namespace DataForge.Packing.Shards.ParquetFiles;

/// <summary>
/// The part of Apache Thrift's compact protocol that Parquet's metadata needs (github.com/apache/thrift,
/// doc/specs/thrift-compact-protocol.md): structs of i16/i32/i64, binary, bool, struct and list fields. Field headers
/// carry the delta to the previous field id in their high nibble (a long header when it is over 15); integers are
/// zigzag varints; a struct ends with a stop byte. Writes into a growing buffer the caller copies out.
/// </summary>
internal sealed class ThriftCompactWriter
{
    private const byte BoolTrue = 1;
    private const byte I8 = 3;
    private const byte I16 = 4;
    private const byte I32 = 5;
    private const byte I64 = 6;
    private const byte Binary = 8;
    private const byte List = 9;
    private const byte Struct = 12;

    private readonly ArrayBufferWriter<byte> _buffer = new(256);
    private readonly Stack<short> _lastField = new();
    private short _last;

    public ReadOnlySpan<byte> Written => _buffer.WrittenSpan;

    public void Clear()
    {
        _buffer.ResetWrittenCount();
        _lastField.Clear();
        _last = 0;
    }

    public void I32Field(short id, int value)
    {
        FieldHeader(id, I32);
        Varint(ZigZag(value));
    }

    public void I16Field(short id, short value)
    {
        FieldHeader(id, I16);
        Varint(ZigZag(value));
    }

    public void I64Field(short id, long value)
    {
        FieldHeader(id, I64);
        Varint(ZigZag(value));
    }

    /// <summary>An i8 field: one byte, not a varint.</summary>
    public void ByteField(short id, sbyte value)
    {
        FieldHeader(id, I8);
        Byte((byte)value);
    }

    /// <summary>A bool field: its value is the field header's type (1 true, 2 false).</summary>
    public void BoolField(short id, bool value) => FieldHeader(id, value ? BoolTrue : (byte)2);

    public void StringField(short id, string value)
    {
        FieldHeader(id, Binary);
        String(value);
    }

    public void BinaryField(short id, ReadOnlySpan<byte> value)
    {
        FieldHeader(id, Binary);
        Varint((ulong)value.Length);
        _buffer.Write(value);
    }

    public void BeginStructField(short id)
    {
        FieldHeader(id, Struct);
        BeginStruct();
    }

    /// <summary>Opens a struct that is a list element or the top-level struct.</summary>
    public void BeginStruct()
    {
        _lastField.Push(_last);
        _last = 0;
    }

    public void EndStruct()
    {
        Byte(0);
        _last = _lastField.Pop();
    }

    public void I32ListField(short id, ReadOnlySpan<int> values)
    {
        ListField(id, I32, values.Length);
        foreach (var value in values)
        {
            Varint(ZigZag(value));
        }
    }

    public void StringListField(short id, IReadOnlyList<string> values)
    {
        ListField(id, Binary, values.Count);
        foreach (var value in values)
        {
            String(value);
        }
    }

    /// <summary>A list of <paramref name="count"/> structs; each follows as BeginStruct … EndStruct.</summary>
    public void StructListField(short id, int count) => ListField(id, Struct, count);

    private void ListField(short id, byte elementType, int count)
    {
        FieldHeader(id, List);
        if (count < 15)
        {
            Byte((byte)((count << 4) | elementType));
        }
        else
        {
            Byte((byte)(0xF0 | elementType));
            Varint((ulong)count);
        }
    }

    private void String(string value)
    {
        var bytes = Encoding.UTF8.GetByteCount(value);
        Varint((ulong)bytes);
        Encoding.UTF8.GetBytes(value, _buffer.GetSpan(bytes));
        _buffer.Advance(bytes);
    }

    private void FieldHeader(short id, byte type)
    {
        var delta = id - _last;
        if (delta is > 0 and <= 15)
        {
            Byte((byte)((delta << 4) | type));
        }
        else
        {
            Byte(type);
            Varint(ZigZag(id));
        }

        _last = id;
    }

    private static ulong ZigZag(long value) => (ulong)((value << 1) ^ (value >> 63));

    private void Varint(ulong value)
    {
        var span = _buffer.GetSpan(10);
        var written = 0;
        while (value >= 0x80)
        {
            span[written++] = (byte)(value | 0x80);
            value >>= 7;
        }

        span[written++] = (byte)value;
        _buffer.Advance(written);
    }

    private void Byte(byte value)
    {
        _buffer.GetSpan(1)[0] = value;
        _buffer.Advance(1);
    }
}
