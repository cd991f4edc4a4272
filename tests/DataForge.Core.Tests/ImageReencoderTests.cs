using DataForge.Core.Media;
using DataForge.Testing;
using SkiaSharp;

namespace DataForge.Core.Tests;

/// <summary>Fitting images for storage (fetch_max_side, interleave's re-encoding) keeps what the viewer sees: EXIF orientation, size.</summary>
public sealed class ImageReencoderTests
{
    [Fact]
    public void A_fitted_image_is_upright_under_its_exif_orientation_and_the_size_is_the_displayed_one()
    {
        // sharp wrote it (tests/image-reference/README.md): stored 64x32, red left; displayed 32x64, red on top.
        var bytes = File.ReadAllBytes(Path.Combine(RepositoryRoot.Path, "tests", "image-reference", "orientation-6.jpg"));
        var probe = ImageProbe.Probe(bytes, 1 << 20);
        Assert.Equal((32, 64), (probe.Width, probe.Height));

        foreach (var maxSide in new[] { 1000, 16 })
        {
            var (fitted, mime, width, height) = ImageReencoder.Fit(bytes, maxSide, 95);
            Assert.Equal("image/jpeg", mime);
            Assert.Equal(maxSide == 1000 ? (32, 64) : (8, 16), (width, height));
            using var decoded = SKBitmap.Decode(fitted);
            Assert.Equal((width, height), (decoded.Width, decoded.Height));
            var top = decoded.GetPixel(width / 2, height / 8);
            var bottom = decoded.GetPixel(width / 2, height * 7 / 8);
            Assert.True(top.Red > 180 && top.Blue < 80, $"top {top}");
            Assert.True(bottom.Blue > 180 && bottom.Red < 80, $"bottom {bottom}");
        }
    }

    [Fact]
    public void A_large_jpeg_is_fitted_to_the_longer_side_through_scaled_decoding()
    {
        using var bitmap = new SKBitmap(2400, 1600);
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(SKColors.DarkGreen);
        }

        using var data = bitmap.Encode(SKEncodedImageFormat.Jpeg, 90);
        var (_, mime, width, height) = ImageReencoder.Fit(data.ToArray(), 512, 90);
        Assert.Equal(("image/jpeg", 512, 341), (mime, width, height));
    }
}
