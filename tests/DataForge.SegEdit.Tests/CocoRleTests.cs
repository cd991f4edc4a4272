using System.Text.Json;
using CsCheck;
using DataForge.SegEdit.Masks;
using DataForge.Testing;

namespace DataForge.SegEdit.Tests;

public sealed class CocoRleTests
{
    private sealed record PolygonCase(string Name, int Height, int Width, double[] Polygon, uint[] Counts, string Rle, long Area, int[] Bbox);

    /// <summary>Polygons and the RLE pycocotools gives them (tests/coco-reference/make-expected.py).</summary>
    private static readonly Lazy<IReadOnlyList<PolygonCase>> Cases = new(() =>
        JsonSerializer.Deserialize<List<PolygonCase>>(
            File.ReadAllText(Path.Combine(RepositoryRoot.Path, "tests", "coco-reference", "polygons.json")),
            new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower })!);

    public static TheoryData<string> CaseNames() => [.. Cases.Value.Select(c => c.Name)];

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Polygons_rasterise_to_the_pycocotools_runs_string_area_and_box(string name)
    {
        var expected = Cases.Value.Single(c => c.Name == name);

        var rle = PolygonRasterizer.ToRle(expected.Polygon, expected.Height, expected.Width);

        Assert.Equal(expected.Counts, rle.Counts);
        Assert.Equal(expected.Rle, rle.ToCompressedString());
        Assert.Equal(expected.Area, rle.Area());
        var mask = rle.Decode();
        Assert.Equal(expected.Area, mask.Area());
        var box = mask.Box();
        Assert.Equal(expected.Bbox, new[] { box.X, box.Y, box.Width, box.Height });
    }

    [Fact]
    public void A_box_polygon_covers_exactly_its_pixels()
    {
        // pycocotools' rule puts a pixel inside when its centre is: the box 10..20 is pixels 10..19.
        var mask = PolygonRasterizer.ToRle([10, 10, 20, 10, 20, 20, 10, 20], 30, 30).Decode();

        for (var y = 0; y < 30; y++)
        {
            for (var x = 0; x < 30; x++)
            {
                Assert.Equal(x is >= 10 and < 20 && y is >= 10 and < 20, mask[x, y]);
            }
        }
    }

    [Fact]
    public void Known_strings_decode_to_known_counts()
    {
        // All zero 2x2: one run of 4 = '4'; all ones: runs [0, 4] = "04".
        Assert.Equal(new[] { 4u }, CocoRle.FromCompressedString("4", 2, 2).Counts);
        Assert.Equal(new[] { 0u, 4u }, CocoRle.FromCompressedString("04", 2, 2).Counts);
        Assert.Equal(4, CocoRle.FromCompressedString("04", 2, 2).Decode().Area());
    }

    [Fact]
    public void Runs_are_column_major()
    {
        // 2 rows x 3 columns with only (x=1, y=0) set: column-major position 2.
        var mask = new BinaryMask(3, 2);
        mask[1, 0] = true;

        var rle = CocoRle.Encode(mask);

        Assert.Equal(new[] { 2u, 1u, 3u }, rle.Counts);
    }

    [Theory]
    [InlineData("4 ", "not an RLE character")]
    [InlineData("0\u007f", "not an RLE character")]
    [InlineData("P", "ends inside a count")]
    public void Malformed_strings_are_format_errors(string text, string message)
    {
        var error = Assert.Throws<FormatException>(() => CocoRle.FromCompressedString(text, 2, 2));
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Runs_that_do_not_cover_the_image_do_not_decode()
    {
        var error = Assert.Throws<FormatException>(() => new CocoRle(2, 2, [1, 2]).Decode());
        Assert.Contains("cover 3 pixels", error.Message, StringComparison.Ordinal);
    }

    private static readonly Gen<BinaryMask> RandomMasks =
        from width in Gen.Int[1, 40]
        from height in Gen.Int[1, 40]
        from density in Gen.Double[0, 1]
        from seed in Gen.Int
        select Fill(width, height, density, seed);

    private static BinaryMask Fill(int width, int height, double density, int seed)
    {
        var random = new Random(seed);
        var mask = new BinaryMask(width, height);
        // Blobs as well as noise: runs of all lengths, long ones needing several 5-bit groups and negative deltas.
        for (var i = 0; i < mask.Pixels.Length; i++)
        {
            mask.Pixels[i] = random.NextDouble() < density ? (byte)1 : (byte)0;
        }

        return mask;
    }

    [Fact]
    public void Random_masks_survive_encode_string_and_decode() =>
        RandomMasks.Sample(mask =>
        {
            var rle = CocoRle.Encode(mask);
            var text = rle.ToCompressedString();
            var back = CocoRle.FromCompressedString(text, mask.Height, mask.Width);
            Assert.Equal(rle.Counts, back.Counts);
            Assert.True(back.Decode().SameAs(mask));
            Assert.Equal(mask.Area(), rle.Area());
        });

    [Fact]
    public void Large_counts_survive_the_string_form() =>
        Gen.UInt[0, 50_000_000].Array[1, 20].Sample(counts =>
        {
            var rle = new CocoRle(1, 1, counts);
            Assert.Equal(counts, CocoRle.FromCompressedString(rle.ToCompressedString(), 1, 1).Counts);
        });
}
