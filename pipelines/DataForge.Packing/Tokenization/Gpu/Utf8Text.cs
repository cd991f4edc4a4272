using ILGPU;

namespace DataForge.Packing.Tokenization.Gpu;

/// <summary>
/// One document's UTF-8 bytes [Start, End) in a batch, read rune by rune on the device, with each code point's class
/// from the <see cref="BpeTables.Classes"/> table. The bytes come from .NET's UTF-8 encoder, so they are well formed (a
/// lone surrogate arrives as U+FFFD); a malformed byte would read as U+FFFD of one byte.
/// </summary>
internal readonly struct Utf8Text(ArrayView<byte> bytes, ArrayView<byte> classes, int start, int end)
{
    public readonly ArrayView<byte> Bytes = bytes;
    public readonly ArrayView<byte> Classes = classes;
    public readonly int Start = start;
    public readonly int End = end;

    /// <summary>Where the rune after the one at <paramref name="i"/> starts.</summary>
    public int Next(int i) => i + Length(i);

    /// <summary>Where the rune before <paramref name="i"/> starts.</summary>
    public int Previous(int i)
    {
        var p = i - 1;
        while (p > Start && (Bytes[p] & 0xC0) == 0x80)
        {
            p--;
        }

        return p;
    }

    public int CodePoint(int i)
    {
        int b0 = Bytes[i];
        return Length(i) switch
        {
            2 => ((b0 & 0x1F) << 6) | (Bytes[i + 1] & 0x3F),
            3 => ((b0 & 0x0F) << 12) | ((Bytes[i + 1] & 0x3F) << 6) | (Bytes[i + 2] & 0x3F),
            4 => ((b0 & 0x07) << 18) | ((Bytes[i + 1] & 0x3F) << 12) | ((Bytes[i + 2] & 0x3F) << 6) | (Bytes[i + 3] & 0x3F),
            _ => b0 < 0x80 ? b0 : 0xFFFD,
        };
    }

    public bool Is(int i, byte classBits)
    {
        var codePoint = CodePoint(i);
        return (Classes[codePoint < BpeTables.CodePoints ? codePoint : 0xFFFD] & classBits) != 0;
    }

    /// <summary><c>[^\r\n\p{L}\p{N}]</c></summary>
    public bool IsPrefixChar(int i) => Bytes[i] != '\r' && Bytes[i] != '\n' && !Is(i, BpeTables.Letter | BpeTables.Number);

    /// <summary><c>[^\s\p{L}\p{N}]</c></summary>
    public bool IsPunctuation(int i) => !Is(i, BpeTables.Space | BpeTables.Letter | BpeTables.Number);

    /// <summary>The end of the run of runes in the class from <paramref name="start"/>, at most <paramref name="max"/> runes.</summary>
    public int Run(int start, byte classBits, int max)
    {
        var j = start;
        var count = 0;
        while (j < End && count < max && Is(j, classBits))
        {
            j = Next(j);
            count++;
        }

        return j;
    }

    /// <summary>
    /// Whether every split of the document cuts at <paramref name="i"/>: a rune start after a letter, at a rune that is
    /// not a letter, not in o200k's word classes (marks) and not an apostrophe (o200k's words take a contraction).
    /// </summary>
    public bool IsSafeBoundary(int i)
    {
        if (i <= Start || i >= End || (Bytes[i] & 0xC0) == 0x80 || Bytes[i] == '\'')
        {
            return false;
        }

        return Is(Previous(i), BpeTables.Letter) && !Is(i, BpeTables.Letter | BpeTables.UpperClass | BpeTables.LowerClass);
    }

    /// <summary>The length of the rune at i: its lead byte's, if the continuation bytes are there; else 1.</summary>
    private int Length(int i)
    {
        int b0 = Bytes[i];
        var length = b0 < 0x80 ? 1 : (b0 & 0xE0) == 0xC0 ? 2 : (b0 & 0xF0) == 0xE0 ? 3 : (b0 & 0xF8) == 0xF0 ? 4 : 1;
        if (i + length > End)
        {
            return 1;
        }

        for (var k = 1; k < length; k++)
        {
            if ((Bytes[i + k] & 0xC0) != 0x80)
            {
                return 1;
            }
        }

        return length;
    }
}
