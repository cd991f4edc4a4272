using DataForge.Core.Rejects;
using SkiaSharp;

namespace DataForge.Core.Media;

/// <summary>What decoding an image found: its format and displayed size, or why it could not be decoded.</summary>
/// <param name="DHash">The perceptual hash, when asked for.</param>
public sealed record ImageProbeResult(string? Mime, int Width, int Height, string? RejectReason, string? RejectMessage, ulong? DHash = null)
{
    public bool Ok => RejectReason is null;
}

/// <summary>
/// Decodes an image fully with SkiaSharp (a header alone does not prove the pixels are there) and reports the size
/// as displayed, after the EXIF orientation.
/// </summary>
public static class ImageProbe
{
    public static ImageProbeResult Probe(ReadOnlySpan<byte> bytes, long maxPixels, bool withHash = false)
    {
        using var data = SKData.CreateCopy(bytes);
        using var codec = SKCodec.Create(data);
        if (codec is null)
        {
            return Reject(CoreRejectReasons.ImageCorrupt, "not a decodable image (unknown format or damaged header)");
        }

        var mime = codec.EncodedFormat switch
        {
            SKEncodedImageFormat.Jpeg => "image/jpeg",
            SKEncodedImageFormat.Png => "image/png",
            SKEncodedImageFormat.Webp => "image/webp",
            SKEncodedImageFormat.Gif => "image/gif",
            SKEncodedImageFormat.Bmp => "image/bmp",
            var other => null as string ?? $"unsupported:{other}",
        };
        if (mime.StartsWith("unsupported:", StringComparison.Ordinal))
        {
            return Reject(CoreRejectReasons.ImageUnsupportedFormat, $"{codec.EncodedFormat} images are not supported");
        }

        var info = codec.Info;
        if ((long)info.Width * info.Height > maxPixels)
        {
            return Reject(CoreRejectReasons.ImageTooManyPixels, $"{info.Width}x{info.Height} exceeds max_pixels {maxPixels}");
        }

        using var bitmap = new SKBitmap(new SKImageInfo(info.Width, info.Height, SKColorType.Rgba8888, SKAlphaType.Premul));
        var decoded = codec.GetPixels(bitmap.Info, bitmap.GetPixels());
        if (decoded is not SKCodecResult.Success)
        {
            return Reject(decoded is SKCodecResult.IncompleteInput ? CoreRejectReasons.ImageTruncated : CoreRejectReasons.ImageCorrupt, $"decoding failed: {decoded}");
        }

        // EXIF orientations 5-8 rotate by 90 degrees: the displayed width is the stored height.
        var rotated = codec.EncodedOrigin is SKEncodedOrigin.LeftTop or SKEncodedOrigin.RightTop or SKEncodedOrigin.RightBottom or SKEncodedOrigin.LeftBottom;
        ulong? hash = withHash ? PerceptualHash.DHash(bitmap) : null;
        return rotated
            ? new ImageProbeResult(mime, info.Height, info.Width, null, null, hash)
            : new ImageProbeResult(mime, info.Width, info.Height, null, null, hash);
    }

    private static ImageProbeResult Reject(string reason, string message) => new(null, 0, 0, reason, message);
}
