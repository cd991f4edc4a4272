namespace DataForge.Packing.Layout;

/// <summary>An image's token grid: <see cref="Rows"/> × <see cref="Columns"/> placeholder tokens.</summary>
public readonly record struct ImageGrid(int Rows, int Columns)
{
    /// <summary>transformers refuses images more elongated than this (smart_resize raises ValueError).</summary>
    public const double MaxAspectRatio = 200;

    public int Tokens => Rows * Columns;

    /// <summary>
    /// Qwen2-VL's <c>smart_resize</c> (transformers image_processing_qwen2_vl.py, checked against transformers 5.17 on
    /// 1 444 sizes in tests/qwen2vl-reference): round each side to a multiple of the patch, then, only when the area
    /// leaves [minPixels, maxPixels], scale by the same factor keeping the aspect ratio. A side that rounds to 0 is not
    /// clamped first: the min-pixels rescale sizes it, as transformers does. Python's round() rounds half to even, and
    /// so does this. Null where transformers raises: an aspect ratio over 200 (or a side of 0).
    /// </summary>
    public static ImageGrid? For(int width, int height, int patch, int minPixels, int maxPixels)
    {
        if (width < 1 || height < 1 || (double)Math.Max(width, height) / Math.Min(width, height) > MaxAspectRatio)
        {
            return null;
        }

        double h = height, w = width;
        var hBar = (long)Math.Round(h / patch, MidpointRounding.ToEven) * patch;
        var wBar = (long)Math.Round(w / patch, MidpointRounding.ToEven) * patch;
        if (hBar * wBar > maxPixels)
        {
            var beta = Math.Sqrt(h * w / maxPixels);
            hBar = Math.Max(patch, (long)Math.Floor(h / beta / patch) * patch);
            wBar = Math.Max(patch, (long)Math.Floor(w / beta / patch) * patch);
        }
        else if (hBar * wBar < minPixels)
        {
            var beta = Math.Sqrt(minPixels / (h * w));
            hBar = (long)Math.Ceiling(h * beta / patch) * patch;
            wBar = (long)Math.Ceiling(w * beta / patch) * patch;
        }

        return new ImageGrid((int)(hBar / patch), (int)(wBar / patch));
    }
}
