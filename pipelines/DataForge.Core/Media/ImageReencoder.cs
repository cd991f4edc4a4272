using System.Runtime.InteropServices;
using SkiaSharp;

namespace DataForge.Core.Media;

/// <summary>
/// Shrinks an image to fit a longer side and encodes it as JPEG or WebP (PNG for an image with transparency), upright:
/// the EXIF orientation is applied, so the size returned is the displayed one (as <see cref="ImageProbe"/> reports it).
/// A JPEG is decoded straight at the smallest DCT scale (1/8 … 1) that still covers the target (libjpeg-turbo's
/// scaled decoding, the "shrink-on-load" libvips uses), so a 6000-pixel photo fitted to 512 is never decoded whole.
/// </summary>
public static class ImageReencoder
{
    public static (byte[] Bytes, string Mime, int Width, int Height) Fit(byte[] bytes, int maxSide, int quality, bool webp = false)
    {
        using var data = SKData.CreateCopy(bytes);
        using var codec = SKCodec.Create(data) ?? throw new InvalidDataException("the image no longer decodes");
        var origin = codec.EncodedOrigin;
        var (storedWidth, storedHeight) = (codec.Info.Width, codec.Info.Height);
        var scale = Math.Min(1.0, (double)maxSide / Math.Max(storedWidth, storedHeight));
        var width = Math.Max(1, (int)Math.Round(storedWidth * scale));
        var height = Math.Max(1, (int)Math.Round(storedHeight * scale));

        // The codec's nearest supported size at or above the target (JPEG: n/8); other formats decode at full size.
        var decodeSize = scale < 1 ? codec.GetScaledDimensions((float)scale) : codec.Info.Size;
        if (decodeSize.Width < width || decodeSize.Height < height)
        {
            decodeSize = codec.Info.Size;
        }

        var alpha = codec.Info.AlphaType == SKAlphaType.Opaque ? SKAlphaType.Opaque : SKAlphaType.Premul;
        // The platform's native order (BGRA on Linux and Windows): decoder, resampler and encoder never swizzle.
        var colorType = SKImageInfo.PlatformColorType;
        using var decoded = new SKBitmap(new SKImageInfo(decodeSize.Width, decodeSize.Height, colorType, alpha));
        var result = codec.GetPixels(decoded.Info, decoded.GetPixels());
        if (result is not (SKCodecResult.Success or SKCodecResult.IncompleteInput))
        {
            throw new InvalidDataException($"the image no longer decodes ({result})");
        }

        using var resized = decoded.Width == width && decoded.Height == height
            ? null
            : decoded.Resize(new SKImageInfo(width, height, colorType, alpha), new SKSamplingOptions(SKCubicResampler.Mitchell));
        using var rotated = Orient(resized ?? decoded, origin);
        var upright = rotated ?? resized ?? decoded;
        if (webp)
        {
            // WebP keeps an alpha channel itself, so one format serves every image.
            using var encoded = upright.Encode(SKEncodedImageFormat.Webp, quality) ?? throw new InvalidOperationException("SkiaSharp cannot encode WebP here");
            return (encoded.ToArray(), "image/webp", upright.Width, upright.Height);
        }

        var opaque = alpha == SKAlphaType.Opaque || IsOpaque(upright);
        using var pixmap = upright.PeekPixels();
        using var jpegOrPng = (opaque
            ? pixmap.Encode(new SKJpegEncoderOptions(quality, SKJpegEncoderDownsample.Downsample420, SKJpegEncoderAlphaOption.Ignore))
            : pixmap.Encode(SKEncodedImageFormat.Png, quality)) ?? throw new InvalidOperationException("SkiaSharp cannot encode the image");
        return (jpegOrPng.ToArray(), opaque ? "image/jpeg" : "image/png", upright.Width, upright.Height);
    }

    /// <summary>The bitmap as displayed under its EXIF orientation (TIFF/EXIF tag 274: origins 1 to 8); null when it is upright.</summary>
    private static SKBitmap? Orient(SKBitmap bitmap, SKEncodedOrigin origin)
    {
        if (origin == SKEncodedOrigin.TopLeft)
        {
            return null;
        }

        var swap = origin is SKEncodedOrigin.LeftTop or SKEncodedOrigin.RightTop or SKEncodedOrigin.RightBottom or SKEncodedOrigin.LeftBottom;
        var (w, h) = swap ? (bitmap.Height, bitmap.Width) : (bitmap.Width, bitmap.Height);
        var target = new SKBitmap(new SKImageInfo(w, h, bitmap.ColorType, bitmap.AlphaType));
        using var canvas = new SKCanvas(target);
        var matrix = origin switch
        {
            SKEncodedOrigin.TopRight => new SKMatrix(-1, 0, w, 0, 1, 0, 0, 0, 1),
            SKEncodedOrigin.BottomRight => new SKMatrix(-1, 0, w, 0, -1, h, 0, 0, 1),
            SKEncodedOrigin.BottomLeft => new SKMatrix(1, 0, 0, 0, -1, h, 0, 0, 1),
            SKEncodedOrigin.LeftTop => new SKMatrix(0, 1, 0, 1, 0, 0, 0, 0, 1),
            SKEncodedOrigin.RightTop => new SKMatrix(0, -1, w, 1, 0, 0, 0, 0, 1),
            SKEncodedOrigin.RightBottom => new SKMatrix(0, -1, w, -1, 0, h, 0, 0, 1),
            SKEncodedOrigin.LeftBottom => new SKMatrix(0, 1, 0, -1, 0, h, 0, 0, 1),
            _ => SKMatrix.Identity,
        };
        canvas.SetMatrix(matrix);
        canvas.DrawBitmap(bitmap, 0, 0);
        return target;
    }

    /// <summary>Decoders report PNGs as having alpha even when every pixel is opaque; look at the alpha bytes.</summary>
    private static bool IsOpaque(SKBitmap bitmap)
    {
        var pixels = MemoryMarshal.Cast<byte, uint>(bitmap.GetPixelSpan());
        foreach (var pixel in pixels)
        {
            // RGBA and BGRA, little-endian: alpha is the top byte either way.
            if (pixel < 0xFF000000u)
            {
                return false;
            }
        }

        return true;
    }
}
