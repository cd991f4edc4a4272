using SkiaSharp;

namespace DataForge.SegEdit.Masks;

/// <summary>Masks as PNG files: written as 8-bit grey (0 outside, 255 inside), read from any PNG a dataset ships.</summary>
public static class MaskImages
{
    public static byte[] ToPng(BinaryMask mask)
    {
        var grey = new byte[mask.Pixels.Length];
        for (var i = 0; i < grey.Length; i++)
        {
            grey[i] = mask.Pixels[i] != 0 ? (byte)255 : (byte)0;
        }

        var info = new SKImageInfo(mask.Width, mask.Height, SKColorType.Gray8, SKAlphaType.Opaque);
        unsafe
        {
            fixed (byte* address = grey)
            {
                using var pixmap = new SKPixmap(info, (nint)address, mask.Width);
                using var encoded = pixmap.Encode(new SKPngEncoderOptions(SKPngEncoderFilterFlags.AllFilters, 9));
                return encoded?.ToArray() ?? throw new InvalidOperationException("SkiaSharp cannot encode PNG here");
            }
        }
    }
}
