namespace DataForge.Core.Media;

/// <summary>Basic colour terms (Berlin and Kay's eleven plus cyan), English and Chinese, matched in Oklab.</summary>
public static class ColourNames
{
    private static readonly (string English, string Chinese, Oklab Colour)[] Palette =
    [
        ("black", "黑色", Oklab.FromSrgb(20, 20, 20)),
        ("white", "白色", Oklab.FromSrgb(245, 245, 245)),
        ("grey", "灰色", Oklab.FromSrgb(128, 128, 128)),
        ("red", "红色", Oklab.FromSrgb(210, 40, 40)),
        ("orange", "橙色", Oklab.FromSrgb(245, 140, 30)),
        ("yellow", "黄色", Oklab.FromSrgb(240, 215, 40)),
        ("green", "绿色", Oklab.FromSrgb(50, 160, 70)),
        ("cyan", "青色", Oklab.FromSrgb(40, 190, 200)),
        ("blue", "蓝色", Oklab.FromSrgb(40, 80, 220)),
        ("purple", "紫色", Oklab.FromSrgb(140, 60, 180)),
        ("pink", "粉色", Oklab.FromSrgb(240, 140, 180)),
        ("brown", "棕色", Oklab.FromSrgb(120, 75, 40)),
    ];

    /// <summary>The nearest basic colour; achromatic colours go by lightness alone, so a dark blue-grey is not "blue".</summary>
    public static (string English, string Chinese) Nearest(Oklab colour)
    {
        if (colour.Chroma < 0.035)
        {
            return colour.L switch
            {
                < 0.3 => ("black", "黑色"),
                > 0.88 => ("white", "白色"),
                _ => ("grey", "灰色"),
            };
        }

        var best = Palette[0];
        var bestDistance = double.MaxValue;
        foreach (var entry in Palette)
        {
            var distance = colour.DistanceSquared(entry.Colour);
            if (distance < bestDistance)
            {
                (best, bestDistance) = (entry, distance);
            }
        }

        return (best.English, best.Chinese);
    }
}
