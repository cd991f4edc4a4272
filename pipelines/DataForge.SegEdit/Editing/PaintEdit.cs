using DataForge.Core.Media;
using DataForge.SegEdit.Masks;

namespace DataForge.SegEdit.Editing;

/// <summary>
/// Recolours an object in Oklab: every pixel keeps its lightness and its deviation from the object's mean colour
/// (shading, texture, highlights), and the mean hue and chroma become the target colour's. Colours the sRGB gamut
/// cannot show at that lightness lose chroma, never hue or lightness. Pixels outside the mask are not touched.
/// </summary>
public static class PaintEdit
{
    /// <summary>
    /// Mean lightness band in which the object's lightness is kept exactly. A near-black or near-white object
    /// painted at its own lightness would look unchanged (sRGB has almost no chroma there), so its shading is kept
    /// but moved as a whole into the band; the shift is reported.
    /// </summary>
    public const double MinMeanLightness = 0.42;

    public const double MaxMeanLightness = 0.88;

    /// <summary>
    /// Pixels darker than <see cref="LowKnee"/> or lighter than <see cref="HighKnee"/> (after the shift) are compressed,
    /// keeping their order, into [<see cref="MinPaintableLightness"/>, LowKnee] and [HighKnee,
    /// <see cref="MaxPaintableLightness"/>]: at L = 0 or 1 sRGB has no chroma at all, so an object of black and white
    /// texture whose mean lightness is mid (no shift) would otherwise come out of "paint it pink" unchanged.
    /// </summary>
    public const double LowKnee = 0.35;

    public const double HighKnee = 0.85;

    public const double MinPaintableLightness = 0.25;

    public const double MaxPaintableLightness = 0.92;

    internal static double IntoPaintableBand(double lightness) => lightness switch
    {
        < LowKnee => MinPaintableLightness + (Math.Max(lightness, 0) / LowKnee * (LowKnee - MinPaintableLightness)),
        > HighKnee => HighKnee + ((Math.Min(lightness, 1) - HighKnee) / (1 - HighKnee) * (MaxPaintableLightness - HighKnee)),
        _ => lightness,
    };

    public static (RgbaImage Target, Oklab PaintedMean, double LightnessShift) Apply(RgbaImage source, BinaryMask mask, Oklab currentMean, PaintColour colour)
    {
        var shift = Math.Clamp(currentMean.L, MinMeanLightness, MaxMeanLightness) - currentMean.L;
        var target = source.Clone();
        var pixels = target.Pixels;
        double sumL = 0, sumA = 0, sumB = 0;
        long count = 0;
        for (var i = 0; i < mask.Pixels.Length; i++)
        {
            if (mask.Pixels[i] == 0)
            {
                continue;
            }

            var offset = i * 4;
            var pixel = Oklab.FromSrgb(pixels[offset], pixels[offset + 1], pixels[offset + 2]);
            var painted = new Oklab(
                IntoPaintableBand(pixel.L + shift),
                colour.Value.A + (pixel.A - currentMean.A),
                colour.Value.B + (pixel.B - currentMean.B));
            var (red, green, blue) = IntoGamut(painted);
            pixels[offset] = red;
            pixels[offset + 1] = green;
            pixels[offset + 2] = blue;
            var result = Oklab.FromSrgb(red, green, blue);
            sumL += result.L;
            sumA += result.A;
            sumB += result.B;
            count++;
        }

        var mean = count == 0 ? currentMean : new Oklab(sumL / count, sumA / count, sumB / count);
        return (target, mean, shift);
    }

    /// <summary>The colour itself when sRGB can show it, else the most chromatic colour of the same L and hue that it can.</summary>
    internal static (byte Red, byte Green, byte Blue) IntoGamut(Oklab colour)
    {
        if (colour.ToSrgb() is { } direct)
        {
            return direct;
        }

        double low = 0, high = colour.Chroma;
        for (var step = 0; step < 16; step++)
        {
            var middle = (low + high) / 2;
            if (colour.WithChroma(middle).ToSrgb() is null)
            {
                high = middle;
            }
            else
            {
                low = middle;
            }
        }

        return colour.WithChroma(low).ToSrgb() ?? new Oklab(colour.L, 0, 0).ToSrgb() ?? (0, 0, 0);
    }
}
