using DataForge.SegEdit.Masks;
using DataForge.SegEdit.Sources;

namespace DataForge.SegEdit.Instructions;

/// <summary>How an instruction names its object: the relation that singles it out, in English and Chinese.</summary>
public sealed record Referring(string Relation, string English, string? Chinese);

/// <summary>
/// Names an object so that exactly one object in the image fits the name: its category alone when no other object
/// shares it, else a relation of position or size that holds for it and for no other object of its category
/// ("the circle on the left", "the largest cup"). A relation counts only with a clear margin (a tenth of the image
/// for positions, 1.5× for areas), so a reader looking at the picture agrees.
/// </summary>
public sealed class ReferringExpressions(CategoryNames names, SeededChoice choice)
{
    public const double PositionMargin = 0.1;

    public const double AreaRatio = 1.5;

    public static readonly IReadOnlyList<string> Relations = ["left", "right", "top", "bottom", "largest", "smallest"];

    /// <summary>
    /// A unique name for <paramref name="self"/>, or null when no relation singles it out. <paramref name="objects"/>:
    /// every object of the image (measured once per image), <paramref name="self"/> among them.
    /// </summary>
    public Referring? Resolve(Geometry self, IReadOnlyList<Geometry> objects)
    {
        var target = self.Object;
        var group = objects.Where(other => other.Object.Category == target.Category).ToList();
        var chinese = names.ChineseFor(target.Category);
        if (group.Count == 1)
        {
            return new Referring("unique", $"the {target.Category}", chinese);
        }

        var valid = Relations.Where(relation => Satisfying(relation, group, target.Packed.Width, target.Packed.Height).SequenceEqual([self])).ToList();
        if (valid.Count == 0)
        {
            return null;
        }

        var relation = choice.Pick(valid, $"{target.AnnotationId}|refer");
        var pair = group.Count == 2;
        var english = (relation, pair) switch
        {
            ("left", true) => $"the {target.Category} on the left",
            ("right", true) => $"the {target.Category} on the right",
            ("top", true) => $"the {target.Category} at the top",
            ("bottom", true) => $"the {target.Category} at the bottom",
            ("largest", true) => $"the larger {target.Category}",
            ("smallest", true) => $"the smaller {target.Category}",
            ("left", false) => $"the leftmost {target.Category}",
            ("right", false) => $"the rightmost {target.Category}",
            ("top", false) => $"the topmost {target.Category}",
            ("bottom", false) => $"the bottommost {target.Category}",
            ("largest", false) => $"the largest {target.Category}",
            _ => $"the smallest {target.Category}",
        };
        var prefix = (relation, pair) switch
        {
            ("left", _) => pair ? "左边的" : "最左边的",
            ("right", _) => pair ? "右边的" : "最右边的",
            ("top", _) => pair ? "上面的" : "最上面的",
            ("bottom", _) => pair ? "下面的" : "最下面的",
            ("largest", _) => pair ? "较大的" : "最大的",
            _ => pair ? "较小的" : "最小的",
        };
        return new Referring(relation, english, chinese is null ? null : prefix + chinese);
    }

    /// <summary>The objects of one category a relation holds for; a usable relation holds for exactly one.</summary>
    public static IReadOnlyList<Geometry> Satisfying(string relation, IReadOnlyList<Geometry> group, int width, int height)
    {
        double dx = PositionMargin * width, dy = PositionMargin * height;
        return [.. group.Where(candidate =>
        {
            var others = group.Where(other => !ReferenceEquals(other, candidate)).ToList();
            return relation switch
            {
                "left" => others.All(other => candidate.X + dx <= other.X),
                "right" => others.All(other => candidate.X - dx >= other.X),
                "top" => others.All(other => candidate.Y + dy <= other.Y),
                "bottom" => others.All(other => candidate.Y - dy >= other.Y),
                "largest" => others.All(other => candidate.Area >= AreaRatio * other.Area),
                "smallest" => others.All(other => candidate.Area * AreaRatio <= other.Area),
                _ => throw new ArgumentException($"unknown relation '{relation}'", nameof(relation)),
            };
        })];
    }

    /// <summary>Where an object is and how big: its centroid and pixel area.</summary>
    public sealed record Geometry(SegmentedObject Object, double X, double Y, long Area)
    {
        public static Geometry Of(SegmentedObject segmented)
        {
            var (x, y) = segmented.Packed.Centroid;
            return new Geometry(segmented, x, y, segmented.Packed.Area);
        }
    }
}
