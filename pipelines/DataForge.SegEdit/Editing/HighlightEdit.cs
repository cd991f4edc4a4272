using DataForge.SegEdit.Masks;

namespace DataForge.SegEdit.Editing;

/// <summary>
/// Makes the mask visible: a translucent colour over the object and a solid outline along its inner edge, both
/// inside the mask, so the pixels around the object stay as they were.
/// </summary>
public static class HighlightEdit
{
    public static RgbaImage Apply(RgbaImage source, BinaryMask mask, PaintColour colour, double opacity, int outlineWidth)
    {
        var (red, green, blue) = colour.Value.ToSrgb() ?? throw new InvalidOperationException($"palette colour {colour.English} is outside sRGB");
        var target = source.Clone();
        var edge = InnerEdge(mask, outlineWidth);
        for (var i = 0; i < mask.Pixels.Length; i++)
        {
            if (mask.Pixels[i] == 0)
            {
                continue;
            }

            var offset = i * 4;
            var alpha = edge[i] ? 1.0 : opacity;
            target.Pixels[offset] = Blend(target.Pixels[offset], red, alpha);
            target.Pixels[offset + 1] = Blend(target.Pixels[offset + 1], green, alpha);
            target.Pixels[offset + 2] = Blend(target.Pixels[offset + 2], blue, alpha);
        }

        return target;
    }

    private static byte Blend(byte under, byte over, double alpha) =>
        (byte)Math.Clamp(Math.Round((under * (1 - alpha)) + (over * alpha)), 0, 255);

    /// <summary>Mask pixels within <paramref name="width"/> pixels (chessboard distance) of a pixel outside the mask.</summary>
    internal static bool[] InnerEdge(BinaryMask mask, int width)
    {
        var edge = new bool[mask.Pixels.Length];
        for (var y = 0; y < mask.Height; y++)
        {
            for (var x = 0; x < mask.Width; x++)
            {
                if (!mask[x, y])
                {
                    continue;
                }

                for (var dy = -width; dy <= width && !edge[(y * mask.Width) + x]; dy++)
                {
                    for (var dx = -width; dx <= width; dx++)
                    {
                        int nx = x + dx, ny = y + dy;
                        if (nx >= 0 && nx < mask.Width && ny >= 0 && ny < mask.Height && !mask[nx, ny])
                        {
                            edge[(y * mask.Width) + x] = true;
                            break;
                        }
                    }
                }
            }
        }

        return edge;
    }
}
