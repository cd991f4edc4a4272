using DataForge.Core.Media;

namespace DataForge.SegEdit.Editing;

/// <summary>A colour an object can be painted: its English and Chinese names and its Oklab value.</summary>
public sealed record PaintColour(string English, string Chinese, Oklab Value);

/// <summary>
/// The chromatic colours an edit can name. Achromatic names (black, white, grey) are left out: a paint that keeps
/// the object's shading cannot make it white or black.
/// </summary>
public static class PaintPalette
{
    public static readonly IReadOnlyList<PaintColour> All =
    [
        new("red", "红色", Oklab.FromSrgb(215, 35, 35)),
        new("orange", "橙色", Oklab.FromSrgb(245, 135, 25)),
        new("yellow", "黄色", Oklab.FromSrgb(240, 210, 30)),
        new("green", "绿色", Oklab.FromSrgb(40, 165, 60)),
        new("cyan", "青色", Oklab.FromSrgb(30, 190, 205)),
        new("blue", "蓝色", Oklab.FromSrgb(35, 85, 225)),
        new("purple", "紫色", Oklab.FromSrgb(140, 55, 185)),
        new("pink", "粉色", Oklab.FromSrgb(240, 120, 175)),
    ];

    public static IReadOnlyList<string> Names => [.. All.Select(colour => colour.English)];

    public static PaintColour Named(string english) =>
        All.FirstOrDefault(colour => colour.English == english) ?? throw new ArgumentException($"no paint colour '{english}'", nameof(english));
}
