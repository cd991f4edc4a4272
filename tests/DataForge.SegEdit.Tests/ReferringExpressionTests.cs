using CsCheck;
using DataForge.SegEdit.Instructions;
using DataForge.SegEdit.Masks;
using DataForge.SegEdit.Sources;

namespace DataForge.SegEdit.Tests;

public sealed class ReferringExpressionTests
{
    private const int Width = 200, Height = 100;

    private static SegmentedObject Box(string id, string category, int x, int y, int size)
    {
        var mask = new BinaryMask(Width, Height);
        for (var yy = y; yy < Math.Min(Height, y + size); yy++)
        {
            for (var xx = x; xx < Math.Min(Width, x + size); xx++)
            {
                mask[xx, yy] = true;
            }
        }

        return new SegmentedObject(id, id, category, false, PackedMask.From(mask));
    }

    private static ReferringExpressions Namer(long seed = 0) => new(new CategoryNames(new Dictionary<string, string>()), new SeededChoice(seed));

    private static Referring? Resolve(SegmentedObject target, params SegmentedObject[] all)
    {
        var geometry = all.Select(ReferringExpressions.Geometry.Of).ToList();
        return Namer().Resolve(geometry.Single(g => ReferenceEquals(g.Object, target)), geometry);
    }

    [Fact]
    public void An_object_alone_in_its_category_is_named_by_category()
    {
        var cup = Box("1", "cup", 10, 10, 20);
        var name = Resolve(cup, cup, Box("2", "apple", 100, 10, 20));

        Assert.Equal(new Referring("unique", "the cup", "杯子"), name);
    }

    [Fact]
    public void Two_apples_side_by_side_are_left_and_right_or_by_size()
    {
        var left = Box("1", "apple", 10, 40, 20);
        var right = Box("2", "apple", 150, 40, 40);

        var leftName = Resolve(left, left, right)!;
        var rightName = Resolve(right, left, right)!;

        Assert.Contains(leftName.English, new[] { "the apple on the left", "the smaller apple" });
        Assert.Contains(rightName.English, new[] { "the apple on the right", "the larger apple" });
        Assert.Equal(leftName.Relation == "left" ? "左边的苹果" : "较小的苹果", leftName.Chinese);
    }

    [Fact]
    public void Look_alikes_in_the_same_place_have_no_unique_name()
    {
        var a = Box("1", "cup", 50, 30, 30);
        var b = Box("2", "cup", 55, 32, 30);

        Assert.Null(Resolve(a, a, b));
        Assert.Null(Resolve(b, a, b));
    }

    [Fact]
    public void Every_name_given_fits_exactly_one_object_of_its_category() =>
        Gen.Select(Gen.Int[0, Width - 10], Gen.Int[0, Height - 10], Gen.Int[3, 40], Gen.Int[0, 2]).Array[1, 6].Select(Gen.Long).Sample((boxes, seed) =>
        {
            var categories = new[] { "cup", "apple", "dog" };
            var objects = boxes.Select((box, i) => Box(i.ToString(System.Globalization.CultureInfo.InvariantCulture), categories[box.Item4], box.Item1, box.Item2, box.Item3)).ToList();
            var geometry = objects.Select(ReferringExpressions.Geometry.Of).ToList();
            foreach (var self in geometry)
            {
                var name = Namer(seed).Resolve(self, geometry);
                var group = geometry.Where(g => g.Object.Category == self.Object.Category).ToList();
                if (name is null)
                {
                    // Nothing unique exists: no relation singles this object out.
                    Assert.True(group.Count > 1);
                    Assert.All(ReferringExpressions.Relations, relation => Assert.NotEqual([self], ReferringExpressions.Satisfying(relation, group, Width, Height)));
                }
                else if (name.Relation == "unique")
                {
                    Assert.Single(group);
                }
                else
                {
                    Assert.Equal([self], ReferringExpressions.Satisfying(name.Relation, group, Width, Height));
                }
            }
        });
}
