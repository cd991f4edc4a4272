using DataForge.Core.Media;

using SkiaSharp;

namespace DataForge.Captions.Template;

/// <summary>A named colour and the share of the image it covers.</summary>
public sealed record ColourShare(string English, string Chinese, double Share);

/// <summary>What the template captioner knows about an image's look.</summary>
public sealed record ImageAnalysis(int Width, int Height, IReadOnlyList<ColourShare> Colours, double Lightness, double Colourfulness)
{
    public string Orientation => Math.Abs(((double)Width / Height) - 1) < 0.1 ? "square" : Width > Height ? "landscape" : "portrait";

    /// <summary>
    /// Decodes, shrinks to at most 64 px a side, and clusters the pixels with k-means in Oklab (k = 5, farthest-point
    /// initialisation from the mean, so the same image always gives the same clusters); clusters are named and
    /// merged by name. Colourfulness is Hasler and Süsstrunk's metric (2003) on sRGB.
    /// </summary>
    public static ImageAnalysis Analyse(byte[] bytes)
    {
        using var original = SKBitmap.Decode(bytes) ?? throw new InvalidDataException("the image does not decode");
        var scale = Math.Min(1.0, 64.0 / Math.Max(original.Width, original.Height));
        var width = Math.Max(1, (int)Math.Round(original.Width * scale));
        var height = Math.Max(1, (int)Math.Round(original.Height * scale));
        using var small = original.Resize(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul), new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear))
            ?? throw new InvalidDataException("the image cannot be resized");
        var pixels = new List<Oklab>(width * height);
        double sumRg = 0, sumYb = 0, sumRg2 = 0, sumYb2 = 0;
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                var colour = small.GetPixel(x, y);
                pixels.Add(Oklab.FromSrgb(colour.Red, colour.Green, colour.Blue));
                double rg = colour.Red - colour.Green, yb = (0.5 * (colour.Red + colour.Green)) - colour.Blue;
                sumRg += rg;
                sumYb += yb;
                sumRg2 += rg * rg;
                sumYb2 += yb * yb;
            }
        }

        var n = pixels.Count;
        double meanRg = sumRg / n, meanYb = sumYb / n;
        var colourfulness = Math.Sqrt(Math.Max(0, (sumRg2 / n) - (meanRg * meanRg)) + Math.Max(0, (sumYb2 / n) - (meanYb * meanYb)))
            + (0.3 * Math.Sqrt((meanRg * meanRg) + (meanYb * meanYb)));
        var shares = new Dictionary<(string, string), double>();
        foreach (var (centre, count) in KMeans(pixels, 5))
        {
            var name = ColourNames.Nearest(centre);
            shares[name] = shares.GetValueOrDefault(name) + ((double)count / n);
        }

        var colours = shares
            .Select(pair => new ColourShare(pair.Key.Item1, pair.Key.Item2, Math.Round(pair.Value, 3)))
            .OrderByDescending(share => share.Share).ThenBy(share => share.English, StringComparer.Ordinal)
            .ToList();
        return new ImageAnalysis(original.Width, original.Height, colours, pixels.Average(pixel => pixel.L), colourfulness);
    }

    private static List<(Oklab Centre, int Count)> KMeans(List<Oklab> pixels, int k)
    {
        // Farthest-point initialisation: start at the pixel farthest from the mean, then repeatedly the pixel
        // farthest from every centre chosen so far. Deterministic, and it finds small distinct regions.
        var mean = new Oklab(pixels.Average(p => p.L), pixels.Average(p => p.A), pixels.Average(p => p.B));
        var centres = new List<Oklab> { pixels.MaxBy(p => p.DistanceSquared(mean)) };
        while (centres.Count < k)
        {
            var next = pixels.MaxBy(p => centres.Min(c => p.DistanceSquared(c)));
            if (centres.Min(c => next.DistanceSquared(c)) < 1e-6)
            {
                break; // fewer distinct colours than k
            }

            centres.Add(next);
        }

        var assignment = new int[pixels.Count];
        for (var iteration = 0; iteration < 15; iteration++)
        {
            for (var i = 0; i < pixels.Count; i++)
            {
                var best = 0;
                for (var c = 1; c < centres.Count; c++)
                {
                    if (pixels[i].DistanceSquared(centres[c]) < pixels[i].DistanceSquared(centres[best]))
                    {
                        best = c;
                    }
                }

                assignment[i] = best;
            }

            for (var c = 0; c < centres.Count; c++)
            {
                var members = Enumerable.Range(0, pixels.Count).Where(i => assignment[i] == c).Select(i => pixels[i]).ToList();
                if (members.Count > 0)
                {
                    centres[c] = new Oklab(members.Average(p => p.L), members.Average(p => p.A), members.Average(p => p.B));
                }
            }
        }

        return [.. centres.Select((centre, c) => (centre, assignment.Count(a => a == c))).Where(pair => pair.Item2 > 0)];
    }
}
