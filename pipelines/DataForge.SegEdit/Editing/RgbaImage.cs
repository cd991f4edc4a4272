using DataForge.Core.Rejects;
using SkiaSharp;

namespace DataForge.SegEdit.Editing;

/// <summary>
/// Decoded pixels, 4 bytes per pixel (R, G, B, unpremultiplied A), row-major: the edits work on these and every
/// byte they do not touch is written back exactly.
/// </summary>
public sealed class RgbaImage
{
    public RgbaImage(int width, int height, byte[] pixels)
    {
        if (pixels.Length != (long)width * height * 4)
        {
            throw new ArgumentException($"{pixels.Length} bytes for a {width}x{height} RGBA image", nameof(pixels));
        }

        Width = width;
        Height = height;
        Pixels = pixels;
    }

    public int Width { get; }

    public int Height { get; }

    public byte[] Pixels { get; }

    public RgbaImage Clone() => new(Width, Height, (byte[])Pixels.Clone());

    /// <summary>
    /// Decodes as stored, without applying an EXIF rotation: annotations are drawn on the stored pixels.
    /// Null with a reason when the bytes are not a whole image.
    /// </summary>
    public static (RgbaImage? Image, DecodedFormat Format, string? Reason, string? Message) Decode(ReadOnlySpan<byte> bytes, long maxPixels)
    {
        using var data = SKData.CreateCopy(bytes);
        using var codec = SKCodec.Create(data);
        if (codec is null)
        {
            return (null, default, CoreRejectReasons.ImageCorrupt, "not a decodable image");
        }

        var info = codec.Info;
        if ((long)info.Width * info.Height > maxPixels)
        {
            return (null, default, CoreRejectReasons.ImageTooManyPixels, $"{info.Width}x{info.Height} exceeds max_image_pixels {maxPixels}");
        }

        var pixels = new byte[info.Width * info.Height * 4];
        var target = new SKImageInfo(info.Width, info.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        SKCodecResult result;
        unsafe
        {
            fixed (byte* address = pixels)
            {
                result = codec.GetPixels(target, (nint)address);
            }
        }

        if (result is not SKCodecResult.Success)
        {
            return (null, default, result is SKCodecResult.IncompleteInput ? CoreRejectReasons.ImageTruncated : CoreRejectReasons.ImageCorrupt, $"decoding failed: {result}");
        }

        return (new RgbaImage(info.Width, info.Height, pixels), new DecodedFormat(codec.EncodedFormat, codec.EncodedOrigin), null, null);
    }

    /// <summary>Lossless encoding: PNG, or WebP in its lossless mode.</summary>
    public byte[] EncodeLossless(bool webp = false)
    {
        var info = new SKImageInfo(Width, Height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        unsafe
        {
            fixed (byte* address = Pixels)
            {
                using var pixmap = new SKPixmap(info, (nint)address, Width * 4);
                using var encoded = webp
                    ? pixmap.Encode(new SKWebpEncoderOptions(SKWebpEncoderCompression.Lossless, 100))
                    : pixmap.Encode(new SKPngEncoderOptions(SKPngEncoderFilterFlags.AllFilters, 6));
                return encoded?.ToArray() ?? throw new InvalidOperationException($"SkiaSharp cannot encode {(webp ? "WebP" : "PNG")} here");
            }
        }
    }
}

/// <summary>What the source file was: its format and EXIF orientation.</summary>
public readonly record struct DecodedFormat(SKEncodedImageFormat Format, SKEncodedOrigin Origin);
