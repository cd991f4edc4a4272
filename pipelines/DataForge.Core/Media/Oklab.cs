namespace DataForge.Core.Media;

/// <summary>A colour in Oklab (Björn Ottosson, 2020): perceptually uniform, so distances and means are meaningful.</summary>
public readonly record struct Oklab(double L, double A, double B)
{
    public static Oklab FromSrgb(byte red, byte green, byte blue)
    {
        double r = Linear(red), g = Linear(green), b = Linear(blue);
        var l = Math.Cbrt((0.4122214708 * r) + (0.5363325363 * g) + (0.0514459929 * b));
        var m = Math.Cbrt((0.2119034982 * r) + (0.6806995451 * g) + (0.1073969566 * b));
        var s = Math.Cbrt((0.0883024619 * r) + (0.2817188376 * g) + (0.6299787005 * b));
        return new Oklab(
            (0.2104542553 * l) + (0.7936177850 * m) - (0.0040720468 * s),
            (1.9779984951 * l) - (2.4285922050 * m) + (0.4505937099 * s),
            (0.0259040371 * l) + (0.7827717662 * m) - (0.8086757660 * s));
    }

    /// <summary>
    /// Back to 8-bit sRGB, or null when the colour lies outside the sRGB gamut (a channel below 0 or above 1 by more
    /// than rounding); callers reduce chroma until it fits.
    /// </summary>
    public (byte Red, byte Green, byte Blue)? ToSrgb()
    {
        var l = L + (0.3963377774 * A) + (0.2158037573 * B);
        var m = L - (0.1055613458 * A) - (0.0638541728 * B);
        var s = L - (0.0894841775 * A) - (1.2914855480 * B);
        l = l * l * l;
        m = m * m * m;
        s = s * s * s;
        var r = (4.0767416621 * l) - (3.3077115913 * m) + (0.2309699292 * s);
        var g = (-1.2684380046 * l) + (2.6097574011 * m) - (0.3413193965 * s);
        var b = (-0.0041960863 * l) - (0.7034186147 * m) + (1.7076147010 * s);
        const double tolerance = 1e-4;
        if (r < -tolerance || g < -tolerance || b < -tolerance || r > 1 + tolerance || g > 1 + tolerance || b > 1 + tolerance)
        {
            return null;
        }

        return (Encode(r), Encode(g), Encode(b));
    }

    /// <summary>The same lightness and hue with another chroma.</summary>
    public Oklab WithChroma(double chroma)
    {
        var current = Chroma;
        return current < 1e-12 ? new Oklab(L, chroma, 0) : new Oklab(L, A * chroma / current, B * chroma / current);
    }

    /// <summary>Hue angle in radians.</summary>
    public double Hue => Math.Atan2(B, A);

    public double DistanceSquared(Oklab other) =>
        ((L - other.L) * (L - other.L)) + ((A - other.A) * (A - other.A)) + ((B - other.B) * (B - other.B));

    public double Chroma => Math.Sqrt((A * A) + (B * B));

    private static byte Encode(double linear)
    {
        var clamped = Math.Clamp(linear, 0, 1);
        var c = clamped <= 0.0031308 ? 12.92 * clamped : (1.055 * Math.Pow(clamped, 1 / 2.4)) - 0.055;
        return (byte)Math.Clamp(Math.Round(c * 255), 0, 255);
    }

    /// <summary>sRGB transfer function, inverted (IEC 61966-2-1).</summary>
    private static double Linear(byte channel)
    {
        var c = channel / 255.0;
        return c <= 0.04045 ? c / 12.92 : Math.Pow((c + 0.055) / 1.055, 2.4);
    }
}
