namespace DataForge.Packing.Layout;

/// <summary>An image's token grid: <see cref="Rows"/> × <see cref="Columns"/> placeholder tokens.</summary>
public readonly record struct ImageGrid(int Rows, int Columns)
{
    public int Tokens => Rows * Columns;

    /// <summary>
    /// Qwen2-VL's <c>smart_resize</c> (transformers image_processing_qwen2_vl.py): round each side to a multiple of
    /// the patch, then scale into [minPixels, maxPixels] keeping the aspect ratio. Python's round() rounds half to
    /// even, and so does this.
    /// </summary>
    public static ImageGrid For(int width, int height, int patch, int minPixels, int maxPixels)
    {
        double h = height, w = width;
        var hBar = Math.Max(patch, (int)Math.Round(h / patch, MidpointRounding.ToEven) * patch);
        var wBar = Math.Max(patch, (int)Math.Round(w / patch, MidpointRounding.ToEven) * patch);
        if ((long)hBar * wBar > maxPixels)
        {
            var beta = Math.Sqrt(h * w / maxPixels);
            hBar = Math.Max(patch, (int)Math.Floor(h / beta / patch) * patch);
            wBar = Math.Max(patch, (int)Math.Floor(w / beta / patch) * patch);
        }
        else if ((long)hBar * wBar < minPixels)
        {
            var beta = Math.Sqrt(minPixels / (h * w));
            hBar = (int)Math.Ceiling(h * beta / patch) * patch;
            wBar = (int)Math.Ceiling(w * beta / patch) * patch;
        }

        return new ImageGrid(hBar / patch, wBar / patch);
    }
}
