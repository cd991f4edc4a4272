using DataForge.Core.Media;
using DataForge.SegEdit.Masks;

namespace DataForge.SegEdit.Editing;

/// <summary>What an object looks like now: its mean colour in Oklab over the mask.</summary>
public static class MaskStatistics
{
    public static Oklab MeanColour(RgbaImage image, BinaryMask mask)
    {
        double l = 0, a = 0, b = 0;
        long count = 0;
        for (var i = 0; i < mask.Pixels.Length; i++)
        {
            if (mask.Pixels[i] == 0)
            {
                continue;
            }

            var colour = Oklab.FromSrgb(image.Pixels[i * 4], image.Pixels[(i * 4) + 1], image.Pixels[(i * 4) + 2]);
            l += colour.L;
            a += colour.A;
            b += colour.B;
            count++;
        }

        return count == 0 ? default : new Oklab(l / count, a / count, b / count);
    }
}
