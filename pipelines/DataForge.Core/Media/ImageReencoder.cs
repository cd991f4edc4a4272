using SkiaSharp;

namespace DataForge.Core.Media;

/// <summary>Shrinks an image to fit a longer side and encodes it as JPEG or WebP (PNG for a JPEG with transparency).</summary>
public static class ImageReencoder
{
    public static (byte[] Bytes, string Mime, int Width, int Height) Fit(byte[] bytes, int maxSide, int quality, bool webp = false)
    {
        using var original = SKBitmap.Decode(bytes) ?? throw new InvalidDataException("the image no longer decodes");
        var scale = Math.Min(1.0, (double)maxSide / Math.Max(original.Width, original.Height));
        var width = Math.Max(1, (int)Math.Round(original.Width * scale));
        var height = Math.Max(1, (int)Math.Round(original.Height * scale));
        using var resized = scale < 1
            ? original.Resize(new SKImageInfo(width, height, SKColorType.Rgba8888, original.AlphaType), new SKSamplingOptions(SKCubicResampler.Mitchell))
            : original.Copy();
        if (webp)
        {
            // WebP keeps an alpha channel itself, so one format serves every image.
            using var encoded = resized.Encode(SKEncodedImageFormat.Webp, quality) ?? throw new InvalidOperationException("SkiaSharp cannot encode WebP here");
            return (encoded.ToArray(), "image/webp", width, height);
        }

        var opaque = original.AlphaType == SKAlphaType.Opaque || IsOpaque(resized);
        using var data = resized.Encode(opaque ? SKEncodedImageFormat.Jpeg : SKEncodedImageFormat.Png, quality);
        return (data.ToArray(), opaque ? "image/jpeg" : "image/png", width, height);
    }

    /// <summary>Decoders report PNGs as having alpha even when every pixel is opaque; look at the pixels.</summary>
    private static bool IsOpaque(SKBitmap bitmap)
    {
        for (var y = 0; y < bitmap.Height; y++)
        {
            for (var x = 0; x < bitmap.Width; x++)
            {
                if (bitmap.GetPixel(x, y).Alpha != 255)
                {
                    return false;
                }
            }
        }

        return true;
    }
}
