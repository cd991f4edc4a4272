using System.Text;

namespace DataForge.SegEdit.Masks;

/// <summary>
/// COCO's run-length encoding of a mask, as pycocotools reads and writes it: pixels in column-major (Fortran)
/// order, alternating runs of 0 and 1 starting with 0. The compressed text form packs each count into 5-bit groups
/// (ASCII 48–111, bit 6 = "more follows", sign-extended), with counts after the second delta-coded against the
/// count two positions earlier.
/// </summary>
public sealed class CocoRle
{
    public CocoRle(int height, int width, uint[] counts)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(height);
        ArgumentOutOfRangeException.ThrowIfNegative(width);
        Height = height;
        Width = width;
        Counts = counts;
    }

    public int Height { get; }

    public int Width { get; }

    public uint[] Counts { get; }

    /// <summary>Pixels inside the object: the sum of the odd-numbered runs.</summary>
    public long Area()
    {
        long area = 0;
        for (var i = 1; i < Counts.Length; i += 2)
        {
            area += Counts[i];
        }

        return area;
    }

    public static CocoRle Encode(BinaryMask mask)
    {
        var counts = new List<uint>();
        byte previous = 0;
        uint run = 0;
        for (var x = 0; x < mask.Width; x++)
        {
            for (var y = 0; y < mask.Height; y++)
            {
                var value = mask.Pixels[(y * mask.Width) + x];
                if (value != previous)
                {
                    counts.Add(run);
                    run = 0;
                    previous = value;
                }

                run++;
            }
        }

        counts.Add(run);
        return new CocoRle(mask.Height, mask.Width, [.. counts]);
    }

    /// <summary>The mask; a <see cref="FormatException"/> when the runs do not cover the image exactly.</summary>
    public BinaryMask Decode()
    {
        long total = (long)Height * Width;
        long covered = 0;
        foreach (var count in Counts)
        {
            covered += count;
        }

        if (covered != total)
        {
            throw new FormatException($"the runs cover {covered} pixels, a {Width}x{Height} mask has {total}");
        }

        var mask = new BinaryMask(Width, Height);
        long position = 0;
        for (var i = 0; i < Counts.Length; i++)
        {
            if (i % 2 == 1)
            {
                for (var p = position; p < position + Counts[i]; p++)
                {
                    // Column-major position p is pixel (x = p / height, y = p % height).
                    var x = (int)(p / Height);
                    var y = (int)(p % Height);
                    mask.Pixels[(y * Width) + x] = 1;
                }
            }

            position += Counts[i];
        }

        return mask;
    }

    public string ToCompressedString()
    {
        var text = new StringBuilder(Counts.Length * 2);
        for (var i = 0; i < Counts.Length; i++)
        {
            long value = Counts[i];
            if (i > 2)
            {
                value -= Counts[i - 2];
            }

            var more = true;
            while (more)
            {
                var group = (int)(value & 0x1f);
                value >>= 5;
                more = (group & 0x10) != 0 ? value != -1 : value != 0;
                if (more)
                {
                    group |= 0x20;
                }

                text.Append((char)(group + 48));
            }
        }

        return text.ToString();
    }

    /// <summary>Parses the compressed text form; a <see cref="FormatException"/> for characters or counts it cannot hold.</summary>
    public static CocoRle FromCompressedString(string text, int height, int width)
    {
        var counts = new List<uint>();
        var position = 0;
        while (position < text.Length)
        {
            long value = 0;
            var shift = 0;
            var more = true;
            while (more)
            {
                if (position >= text.Length)
                {
                    throw new FormatException("the RLE string ends inside a count");
                }

                var c = text[position] - 48;
                if (c is < 0 or > 63)
                {
                    throw new FormatException($"'{text[position]}' at {position} is not an RLE character (ASCII 48-111)");
                }

                if (shift > 35)
                {
                    throw new FormatException($"the count ending at {position} is too long");
                }

                value |= (long)(c & 0x1f) << shift;
                more = (c & 0x20) != 0;
                position++;
                shift += 5;
                if (!more && (c & 0x10) != 0)
                {
                    value |= -1L << shift;
                }
            }

            if (counts.Count > 2)
            {
                value += counts[^2];
            }

            if (value is < 0 or > uint.MaxValue)
            {
                throw new FormatException($"run {counts.Count} decodes to {value}, not a pixel count");
            }

            counts.Add((uint)value);
        }

        return new CocoRle(height, width, [.. counts]);
    }
}
