using SkiaSharp;

namespace DataForge.Captions.Template;

/// <summary>What the template captioner knows about a clip: its frames' colours together, how much it moves, where it cuts.</summary>
/// <param name="Motion">mean absolute luma change between consecutive sampled frames of one shot, 0-255, at 32 × 32 px</param>
/// <param name="CutSeconds">the time of the largest change when it is a cut (over <see cref="CutLevel"/>), else null</param>
public sealed record ClipAnalysis(double Seconds, int Width, int Height, IReadOnlyList<ColourShare> Colours, double Motion, double? CutSeconds, bool HasAudio)
{
    /// <summary>A frame-to-frame change this large is a different shot, not motion within one.</summary>
    public const double CutLevel = 40;

    public string Orientation => Math.Abs(((double)Width / Height) - 1) < 0.1 ? "square" : Width > Height ? "landscape" : "portrait";

    /// <summary>little (under 3), some (under 12), a lot of motion: levels read off test patterns and the bundled clips.</summary>
    public string MotionEnglish => Motion < 3 ? "little motion" : Motion < 12 ? "some motion" : "a lot of motion";

    public string MotionChinese => Motion < 3 ? "画面几乎静止" : Motion < 12 ? "画面有一些运动" : "画面运动剧烈";

    /// <summary>Frames (JPEG bytes) at their times from the clip's start; colours are each frame's analysis averaged.</summary>
    public static ClipAnalysis Analyse(IReadOnlyList<byte[]> frames, IReadOnlyList<double> times, double seconds, bool hasAudio)
    {
        var analyses = frames.Select(ImageAnalysis.Analyse).ToList();
        var colours = analyses.SelectMany(analysis => analysis.Colours)
            .GroupBy(colour => colour.English, StringComparer.Ordinal)
            .Select(group => new ColourShare(group.Key, group.First().Chinese, group.Sum(colour => colour.Share) / analyses.Count))
            .OrderByDescending(colour => colour.Share).ThenBy(colour => colour.English, StringComparer.Ordinal)
            .ToList();
        var lumas = frames.Select(Luma).ToList();
        double total = 0, largest = 0;
        var (at, within) = (-1, 0);
        for (var k = 1; k < lumas.Count; k++)
        {
            var change = 0.0;
            for (var i = 0; i < lumas[k].Length; i++)
            {
                change += Math.Abs(lumas[k][i] - lumas[k - 1][i]);
            }

            change /= lumas[k].Length;
            (largest, at) = change > largest ? (change, k) : (largest, at);
            if (change <= CutLevel)
            {
                // Motion is measured within shots: a cut is a change of shot, not movement.
                total += change;
                within++;
            }
        }

        var motion = within > 0 ? total / within : 0;
        return new ClipAnalysis(seconds, analyses[0].Width, analyses[0].Height, colours, motion, largest > CutLevel && at > 0 ? times[at] : null, hasAudio);
    }

    private static byte[] Luma(byte[] jpeg)
    {
        using var decoded = SKBitmap.Decode(jpeg) ?? throw new InvalidDataException("a frame does not decode");
        using var small = decoded.Resize(new SKImageInfo(32, 32, SKColorType.Rgba8888, SKAlphaType.Premul), new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.None))
            ?? throw new InvalidDataException("a frame cannot be resized");
        var luma = new byte[32 * 32];
        for (var y = 0; y < 32; y++)
        {
            for (var x = 0; x < 32; x++)
            {
                var colour = small.GetPixel(x, y);
                // Rec. 601 luma, as JPEG's Y.
                luma[(y * 32) + x] = (byte)Math.Round((0.299 * colour.Red) + (0.587 * colour.Green) + (0.114 * colour.Blue));
            }
        }

        return luma;
    }
}
