namespace DataForge.SegEdit.Masks;

/// <summary>An object's pixels: one byte per pixel (0 or 1), row-major, the image's size.</summary>
public sealed class BinaryMask
{
    public BinaryMask(int width, int height, byte[]? pixels = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(width);
        ArgumentOutOfRangeException.ThrowIfNegative(height);
        if (pixels is not null && pixels.Length != (long)width * height)
        {
            throw new ArgumentException($"{pixels.Length} pixels for a {width}x{height} mask", nameof(pixels));
        }

        Width = width;
        Height = height;
        Pixels = pixels ?? new byte[width * height];
    }

    public int Width { get; }

    public int Height { get; }

    /// <summary>Row-major, 1 inside the object.</summary>
    public byte[] Pixels { get; }

    public bool this[int x, int y]
    {
        get => Pixels[(y * Width) + x] != 0;
        set => Pixels[(y * Width) + x] = value ? (byte)1 : (byte)0;
    }

    public long Area()
    {
        long area = 0;
        foreach (var pixel in Pixels)
        {
            area += pixel;
        }

        return area;
    }

    /// <summary>The tightest box around the object as COCO writes it (x, y, width, height); zeros when empty.</summary>
    public MaskBox Box()
    {
        int minX = Width, minY = Height, maxX = -1, maxY = -1;
        for (var y = 0; y < Height; y++)
        {
            var row = Pixels.AsSpan(y * Width, Width);
            var first = row.IndexOf((byte)1);
            if (first < 0)
            {
                continue;
            }

            var last = row.LastIndexOf((byte)1);
            minX = Math.Min(minX, first);
            maxX = Math.Max(maxX, last);
            minY = Math.Min(minY, y);
            maxY = y;
        }

        return maxX < 0 ? new MaskBox(0, 0, 0, 0) : new MaskBox(minX, minY, maxX - minX + 1, maxY - minY + 1);
    }

    /// <summary>The centre of mass, in pixel coordinates; the centre of the image when empty.</summary>
    public (double X, double Y) Centroid()
    {
        double sumX = 0, sumY = 0;
        long count = 0;
        for (var y = 0; y < Height; y++)
        {
            for (var x = 0; x < Width; x++)
            {
                if (Pixels[(y * Width) + x] != 0)
                {
                    sumX += x;
                    sumY += y;
                    count++;
                }
            }
        }

        return count == 0 ? (Width / 2.0, Height / 2.0) : (sumX / count, sumY / count);
    }

    /// <summary>Adds another mask's pixels to this one (COCO's merge of an object's polygons).</summary>
    public void UnionWith(BinaryMask other)
    {
        if (other.Width != Width || other.Height != Height)
        {
            throw new ArgumentException($"cannot merge a {other.Width}x{other.Height} mask into a {Width}x{Height} one", nameof(other));
        }

        for (var i = 0; i < Pixels.Length; i++)
        {
            Pixels[i] |= other.Pixels[i];
        }
    }

    public bool SameAs(BinaryMask other) =>
        other.Width == Width && other.Height == Height && other.Pixels.AsSpan().SequenceEqual(Pixels);
}

/// <summary>An axis-aligned box in pixels: left, top, width, height.</summary>
public readonly record struct MaskBox(int X, int Y, int Width, int Height);
