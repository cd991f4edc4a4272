using System.Text.Json;
using DataForge.SegEdit.Sources;

namespace DataForge.SegEdit.Tests;

public sealed class CocoSegmentationTests
{
    [Theory]
    [InlineData("[[10, 10, 20, 10, 20]]", "polygon.odd_coordinates")]
    [InlineData("[[10, 10, 20, 10]]", "polygon.too_few_points")]
    [InlineData("[]", "polygon.too_few_points")]
    [InlineData("[[10, 10, \"x\", 10, 20, 20]]", "polygon.invalid")]
    [InlineData("[[10, 10, 90, 10, 90, 20]]", "mask.outside_image")]
    [InlineData("{\"size\": [10, 10], \"counts\": \"4\"}", "rle.size_mismatch")]
    [InlineData("{\"size\": [40, 50], \"counts\": \"4\"}", "rle.invalid")]
    [InlineData("{\"size\": [40, 50], \"counts\": [1000, -3, 1000]}", "rle.invalid")]
    [InlineData("{\"size\": [40, 50]}", "rle.invalid")]
    [InlineData("7", "annotation.invalid")]
    public void Bad_segmentations_are_reasons(string segmentation, string reason)
    {
        using var json = JsonDocument.Parse(segmentation);

        var (mask, actual, message) = CocoSegmentation.Decode(json.RootElement, 40, 50);

        Assert.Null(mask);
        Assert.Equal(reason, actual);
        Assert.False(string.IsNullOrWhiteSpace(message));
    }

    [Fact]
    public void Several_polygons_of_one_object_are_merged()
    {
        using var json = JsonDocument.Parse("[[0, 0, 10, 0, 10, 10, 0, 10], [20, 20, 30, 20, 30, 30, 20, 30]]");

        var (mask, _, _) = CocoSegmentation.Decode(json.RootElement, 40, 50);

        Assert.Equal(200, mask!.Area());
    }

    [Fact]
    public void Uncompressed_runs_decode()
    {
        using var json = JsonDocument.Parse("{\"size\": [2, 3], \"counts\": [2, 1, 3]}");

        var (mask, _, _) = CocoSegmentation.Decode(json.RootElement, 2, 3);

        Assert.True(mask![1, 0]);
        Assert.Equal(1, mask.Area());
    }
}
