using DataForge.Core.Media;
using DataForge.SegEdit.Masks;

namespace DataForge.SegEdit.Editing;

/// <summary>How much of an object an edit visibly changed, and how much.</summary>
public readonly record struct EditChange(double MeanDelta, double ChangedShare);

/// <summary>
/// Verifies that an edit shows: an instruction ("paint the cup pink") paired with a target that looks like its source
/// teaches the model nothing true. A pixel counts as changed when its colour moved more than
/// <see cref="PixelThreshold"/> in Oklab (about two just-noticeable differences: Oklab's ΔE of 0.02 is about one,
/// as ΔE76 of 2.3 is in CIELAB); an edit counts as visible when most of the object changed and the mean change over
/// the mask is at least <see cref="MeanThreshold"/>.
/// </summary>
public static class EditVisibility
{
    public const double PixelThreshold = 0.04;

    public const double MeanThreshold = 0.05;

    /// <summary>Share of the object's pixels that must change.</summary>
    public const double MinChangedShare = 0.5;

    public static EditChange Measure(RgbaImage source, RgbaImage target, BinaryMask mask)
    {
        double sum = 0;
        long changed = 0, count = 0;
        for (var i = 0; i < mask.Pixels.Length; i++)
        {
            if (mask.Pixels[i] == 0)
            {
                continue;
            }

            var offset = i * 4;
            var before = Oklab.FromSrgb(source.Pixels[offset], source.Pixels[offset + 1], source.Pixels[offset + 2]);
            var after = Oklab.FromSrgb(target.Pixels[offset], target.Pixels[offset + 1], target.Pixels[offset + 2]);
            var delta = Math.Sqrt(before.DistanceSquared(after));
            sum += delta;
            changed += delta > PixelThreshold ? 1 : 0;
            count++;
        }

        return count == 0 ? new EditChange(0, 0) : new EditChange(sum / count, (double)changed / count);
    }

    public static bool IsVisible(EditChange change) => change.ChangedShare >= MinChangedShare && change.MeanDelta >= MeanThreshold;
}
