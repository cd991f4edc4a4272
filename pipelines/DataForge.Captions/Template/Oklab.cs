namespace DataForge.Captions.Template;

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

    public double DistanceSquared(Oklab other) =>
        ((L - other.L) * (L - other.L)) + ((A - other.A) * (A - other.A)) + ((B - other.B) * (B - other.B));

    public double Chroma => Math.Sqrt((A * A) + (B * B));

    /// <summary>sRGB transfer function, inverted (IEC 61966-2-1).</summary>
    private static double Linear(byte channel)
    {
        var c = channel / 255.0;
        return c <= 0.04045 ? c / 12.92 : Math.Pow((c + 0.055) / 1.055, 2.4);
    }
}
