using DataForge.Core.Media;
using DataForge.SegEdit.Editing;
using DataForge.SegEdit.Masks;

namespace DataForge.SegEdit.Tests;

/// <summary>
/// An edit must show. Colour differences here are measured independently of the code under test: CIELAB ΔE76 from
/// sRGB through XYZ (D65), with the constants of IEC 61966-2-1 and CIE 15; a ΔE76 of 2.3 is one just-noticeable difference.
/// </summary>
public sealed class EditVisibilityTests
{
    private const int Side = 32;

    /// <summary>A grey image with a square object of black and white checks: mean lightness mid, extremes only.</summary>
    private static (RgbaImage Image, BinaryMask Mask) Checkerboard()
    {
        var pixels = new byte[Side * Side * 4];
        var mask = new BinaryMask(Side, Side);
        for (var y = 0; y < Side; y++)
        {
            for (var x = 0; x < Side; x++)
            {
                var inside = x is >= 8 and < 24 && y is >= 8 and < 24;
                var value = inside ? (byte)(((x / 2) + (y / 2)) % 2 == 0 ? 0 : 255) : (byte)128;
                pixels[((y * Side) + x) * 4] = pixels[((y * Side) + x) * 4 + 1] = pixels[((y * Side) + x) * 4 + 2] = value;
                pixels[((y * Side) + x) * 4 + 3] = 255;
                mask.Pixels[(y * Side) + x] = inside ? (byte)1 : (byte)0;
            }
        }

        return (new RgbaImage(Side, Side, pixels), mask);
    }

    [Fact]
    public void Painting_a_black_and_white_object_pink_changes_most_of_it_visibly()
    {
        var (image, mask) = Checkerboard();
        var current = MaskStatistics.MeanColour(image, mask);
        var (target, _, shift) = PaintEdit.Apply(image, mask, current, PaintPalette.Named("pink"));

        Assert.Equal(0, shift, 2); // the mean is mid-grey: no shift, so only the band compression can help
        var changed = 0;
        for (var i = 0; i < mask.Pixels.Length; i++)
        {
            if (mask.Pixels[i] == 1 && DeltaE76(image, target, i) > 10)
            {
                changed++;
            }
        }

        Assert.True(changed > 0.9 * mask.Pixels.Count(value => value == 1), $"{changed} of 256 object pixels changed by ΔE76 > 10");
        Assert.True(EditVisibility.IsVisible(EditVisibility.Measure(image, target, mask)));
    }

    [Fact]
    public void Removing_an_object_that_looks_like_its_surroundings_is_no_visible_change()
    {
        var pixels = Enumerable.Repeat(new byte[] { 90, 140, 60, 255 }, Side * Side).SelectMany(pixel => pixel).ToArray();
        var image = new RgbaImage(Side, Side, pixels);
        var mask = new BinaryMask(Side, Side);
        for (var i = 0; i < mask.Pixels.Length; i++)
        {
            mask.Pixels[i] = (byte)((i % Side) is >= 10 and < 20 && (i / Side) is >= 10 and < 20 ? 1 : 0);
        }

        var target = RemoveEdit.Apply(image, mask, 40)!;
        var change = EditVisibility.Measure(image, target, mask);
        Assert.False(EditVisibility.IsVisible(change), $"{change}");
        Assert.All(Enumerable.Range(0, mask.Pixels.Length).Where(i => mask.Pixels[i] == 1), i => Assert.True(DeltaE76(image, target, i) < 2.3));
    }

    private static double DeltaE76(RgbaImage before, RgbaImage after, int pixel)
    {
        var (l1, a1, b1) = Lab(before.Pixels, pixel * 4);
        var (l2, a2, b2) = Lab(after.Pixels, pixel * 4);
        return Math.Sqrt(((l1 - l2) * (l1 - l2)) + ((a1 - a2) * (a1 - a2)) + ((b1 - b2) * (b1 - b2)));
    }

    /// <summary>sRGB (IEC 61966-2-1) → linear → XYZ (D65) → CIELAB (CIE 15).</summary>
    private static (double L, double A, double B) Lab(byte[] pixels, int offset)
    {
        static double Linear(byte value)
        {
            var c = value / 255.0;
            return c <= 0.04045 ? c / 12.92 : Math.Pow((c + 0.055) / 1.055, 2.4);
        }

        var (r, g, b) = (Linear(pixels[offset]), Linear(pixels[offset + 1]), Linear(pixels[offset + 2]));
        var x = ((0.4124 * r) + (0.3576 * g) + (0.1805 * b)) / 0.95047;
        var y = (0.2126 * r) + (0.7152 * g) + (0.0722 * b);
        var z = ((0.0193 * r) + (0.1192 * g) + (0.9505 * b)) / 1.08883;
        static double F(double t) => t > 216.0 / 24389 ? Math.Cbrt(t) : ((24389.0 / 27 * t) + 16) / 116;
        return ((116 * F(y)) - 16, 500 * (F(x) - F(y)), 200 * (F(y) - F(z)));
    }
}
