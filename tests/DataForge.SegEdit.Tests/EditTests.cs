using DataForge.Core.Media;
using DataForge.SegEdit.Editing;
using DataForge.SegEdit.Masks;

namespace DataForge.SegEdit.Tests;

public sealed class EditTests
{
    /// <summary>A 120x90 gradient with a textured red disc (centre 50,45, radius 25) and its mask.</summary>
    private static (RgbaImage Image, BinaryMask Mask) Scene(byte red = 200, byte green = 40, byte blue = 40)
    {
        const int width = 120, height = 90;
        var pixels = new byte[width * height * 4];
        var mask = new BinaryMask(width, height);
        var random = new Random(7);
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                var i = (y * width) + x;
                var inside = ((x - 50) * (x - 50)) + ((y - 45) * (y - 45)) <= 25 * 25;
                mask.Pixels[i] = inside ? (byte)1 : (byte)0;
                var noise = random.Next(-12, 13);
                pixels[i * 4] = inside ? (byte)Math.Clamp(red + noise, 0, 255) : (byte)(60 + x);
                pixels[(i * 4) + 1] = inside ? (byte)Math.Clamp(green + noise, 0, 255) : (byte)(90 + (y / 2));
                pixels[(i * 4) + 2] = inside ? (byte)Math.Clamp(blue + noise, 0, 255) : (byte)150;
                pixels[(i * 4) + 3] = 255;
            }
        }

        return (new RgbaImage(width, height, pixels), mask);
    }

    private static void AssertOnlyInsideChanged(RgbaImage source, RgbaImage target, BinaryMask mask, double minChangedInside)
    {
        long inside = 0, changed = 0;
        for (var i = 0; i < mask.Pixels.Length; i++)
        {
            var same = source.Pixels.AsSpan(i * 4, 4).SequenceEqual(target.Pixels.AsSpan(i * 4, 4));
            if (mask.Pixels[i] == 0)
            {
                Assert.True(same, $"pixel {i % mask.Width},{i / mask.Width} outside the mask changed");
            }
            else
            {
                inside++;
                changed += same ? 0 : 1;
            }
        }

        Assert.True(changed >= minChangedInside * inside, $"only {changed} of {inside} pixels inside changed");
    }

    [Theory]
    [InlineData("blue")]
    [InlineData("green")]
    [InlineData("purple")]
    public void Paint_changes_only_the_object_and_keeps_its_lightness_and_texture(string colourName)
    {
        var (image, mask) = Scene();
        var current = MaskStatistics.MeanColour(image, mask);
        var colour = PaintPalette.Named(colourName);

        var (target, painted, shift) = PaintEdit.Apply(image, mask, current, colour);

        AssertOnlyInsideChanged(image, target, mask, 0.95);
        Assert.Equal(0, shift);
        Assert.Equal(current.L, painted.L, 0.02);
        Assert.Equal(colourName, ColourNames.Nearest(painted).English);
        // Texture: neighbouring pixels still differ as much as before (the noise survives the recolouring).
        Assert.True(Spread(target, mask) > 0.6 * Spread(image, mask));
    }

    [Fact]
    public void A_black_object_is_lifted_into_the_visible_band_and_the_shift_reported()
    {
        var (image, mask) = Scene(25, 25, 25);
        var current = MaskStatistics.MeanColour(image, mask);

        var (target, painted, shift) = PaintEdit.Apply(image, mask, current, PaintPalette.Named("blue"));

        Assert.True(shift > 0.15, $"shift {shift}");
        Assert.Equal(PaintEdit.MinMeanLightness, painted.L, 0.03);
        Assert.Equal("blue", ColourNames.Nearest(painted).English);
        AssertOnlyInsideChanged(image, target, mask, 0.99);
    }

    [Fact]
    public void Remove_fills_the_object_from_its_surroundings()
    {
        var (image, mask) = Scene();

        var target = RemoveEdit.Apply(image, mask, 40)!;

        AssertOnlyInsideChanged(image, target, mask, 0.99);
        // The disc's centre now has the background's colours there (a horizontal ramp 60 + x, 90 + y / 2, 150).
        var centre = ((45 * 120) + 50) * 4;
        Assert.InRange(target.Pixels[centre], 100, 120);
        Assert.InRange(target.Pixels[centre + 1], 105, 120);
        Assert.InRange(target.Pixels[centre + 2], 145, 155);
    }

    [Fact]
    public void Remove_needs_surroundings()
    {
        var image = new RgbaImage(4, 4, new byte[64]);
        var mask = new BinaryMask(4, 4, Enumerable.Repeat((byte)1, 16).ToArray());

        Assert.Null(RemoveEdit.Apply(image, mask, 5));
    }

    [Fact]
    public void Highlight_tints_the_object_and_draws_its_outline_inside_the_mask()
    {
        var (image, mask) = Scene();
        var colour = PaintPalette.Named("cyan");

        var target = HighlightEdit.Apply(image, mask, colour, 0.45, 2);

        AssertOnlyInsideChanged(image, target, mask, 0.99);
        var (r, g, b) = colour.Value.ToSrgb()!.Value;
        // The leftmost disc pixel on the centre row is on the outline: exactly the colour.
        var edge = ((45 * 120) + 25) * 4;
        Assert.Equal(new[] { r, g, b }, target.Pixels[edge..(edge + 3)]);
        // The centre is a blend, neither the object's colour nor the highlight's.
        var centre = ((45 * 120) + 50) * 4;
        Assert.NotEqual(r, target.Pixels[centre]);
        Assert.NotEqual(image.Pixels[centre], target.Pixels[centre]);
    }

    [Fact]
    public void Out_of_gamut_colours_lose_chroma_not_lightness()
    {
        var vivid = new Oklab(0.9, 0.3, 0.0);
        Assert.Null(vivid.ToSrgb());

        var (r, g, b) = PaintEdit.IntoGamut(vivid);
        var result = Oklab.FromSrgb(r, g, b);

        Assert.Equal(0.9, result.L, 0.01);
        Assert.True(result.Chroma < 0.3 && result.Chroma > 0.05);
        Assert.Equal(vivid.Hue, result.Hue, 0.1);
    }

    private static double Spread(RgbaImage image, BinaryMask mask)
    {
        double total = 0;
        long count = 0;
        for (var i = 1; i < mask.Pixels.Length; i++)
        {
            if (mask.Pixels[i] != 0 && mask.Pixels[i - 1] != 0)
            {
                var a = Oklab.FromSrgb(image.Pixels[i * 4], image.Pixels[(i * 4) + 1], image.Pixels[(i * 4) + 2]);
                var b = Oklab.FromSrgb(image.Pixels[(i - 1) * 4], image.Pixels[((i - 1) * 4) + 1], image.Pixels[((i - 1) * 4) + 2]);
                total += Math.Sqrt(a.DistanceSquared(b));
                count++;
            }
        }

        return total / count;
    }

    [Fact]
    public void A_packed_mask_decodes_to_the_same_pixels_and_keeps_their_area_box_and_centroid()
    {
        var random = new Random(18);
        for (var trial = 0; trial < 50; trial++)
        {
            var mask = new BinaryMask(1 + random.Next(60), 1 + random.Next(60));
            var fill = random.NextDouble();
            for (var i = 0; i < mask.Pixels.Length; i++)
            {
                mask.Pixels[i] = random.NextDouble() < fill ? (byte)1 : (byte)0;
            }

            var packed = PackedMask.From(mask);
            Assert.True(packed.Decode().SameAs(mask));
            Assert.Equal(mask.Area(), packed.Area);
            Assert.Equal(mask.Box(), packed.Box);
            Assert.Equal(mask.Centroid(), packed.Centroid);
        }
    }
}
