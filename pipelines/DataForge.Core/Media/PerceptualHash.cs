using System.Numerics;
using SkiaSharp;

namespace DataForge.Core.Media;

/// <summary>
/// A 64-bit difference hash (dHash, after Neal Krawetz): the image shrunk to 9×8 grey pixels, one bit per pair of
/// horizontal neighbours (left brighter than right). Re-encodes, resizes and small edits move few bits, so a small
/// Hamming distance means the same picture.
/// </summary>
public static class PerceptualHash
{
    public static ulong DHash(SKBitmap image)
    {
        // Mipmapped linear sampling averages the pixels a cell covers, as an area resize does.
        using var small = image.Resize(new SKImageInfo(9, 8, SKColorType.Rgba8888, SKAlphaType.Premul), new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear))
            ?? throw new InvalidOperationException("SkiaSharp could not resize the image");
        ulong hash = 0;
        for (var y = 0; y < 8; y++)
        {
            for (var x = 0; x < 8; x++)
            {
                hash <<= 1;
                if (Luma(small.GetPixel(x, y)) > Luma(small.GetPixel(x + 1, y)))
                {
                    hash |= 1;
                }
            }
        }

        return hash;
    }

    /// <summary>ITU-R BT.601 luma.</summary>
    private static double Luma(SKColor colour) => (0.299 * colour.Red) + (0.587 * colour.Green) + (0.114 * colour.Blue);

    public static int Distance(ulong left, ulong right) => BitOperations.PopCount(left ^ right);
}
