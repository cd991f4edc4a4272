using SkiaSharp;

namespace DataForge.Core.Media;

/// <summary>
/// An image's width and height from its first bytes, without decoding pixels (Skia reads the header), as a viewer
/// shows it: an EXIF orientation that turns it a quarter swaps the sides, as <see cref="ImageProbe"/> records them.
/// </summary>
public static class ImageHeader
{
    public static (int Width, int Height)? Size(ReadOnlySpan<byte> head)
    {
        using var data = SKData.CreateCopy(head);
        using var codec = SKCodec.Create(data);
        if (codec is null)
        {
            return null;
        }

        var quarterTurn = codec.EncodedOrigin is SKEncodedOrigin.LeftTop or SKEncodedOrigin.RightTop or SKEncodedOrigin.RightBottom or SKEncodedOrigin.LeftBottom;
        return quarterTurn ? (codec.Info.Height, codec.Info.Width) : (codec.Info.Width, codec.Info.Height);
    }
}
