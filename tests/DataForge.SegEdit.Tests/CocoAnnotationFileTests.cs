using System.Text;
using System.Text.Json;
using DataForge.SegEdit.Sources;
using DataForge.Testing;

namespace DataForge.SegEdit.Tests;

public sealed class CocoAnnotationFileTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private async Task<CocoAnnotationFile> ReadAsync(string json, int bufferSize) =>
        await CocoAnnotationFile.ReadAsync(new MemoryStream(Encoding.UTF8.GetBytes(json)), _temp.Combine($"spool-{Guid.NewGuid():N}"), CancellationToken.None, bufferSize);

    [Fact]
    public async Task Annotations_are_indexed_per_image_whatever_the_read_buffer()
    {
        var json = await File.ReadAllTextAsync(Path.Combine(RepositoryRoot.Samples, "coco", "instances.json"));
        using var large = await ReadAsync(json, 1 << 20);
        // A 16-byte buffer forces the serializer to refill inside every annotation.
        using var small = await ReadAsync(json, 16);

        foreach (var file in new[] { large, small })
        {
            Assert.Equal(5, file.Images.Count);
            Assert.Equal(3, file.Categories.Count);
            Assert.False(file.IsPanoptic);
            Assert.Equal(new long?[] { 106 }, file.Orphans.Select(orphan => orphan.Id));
            Assert.Equal(2 + 4, file.ByImage[1].Count);
        }

        using var expected = JsonDocument.Parse(json);
        var second = expected.RootElement.GetProperty("annotations")[1];
        using var readBack = small.Read(small.ByImage[1][1]);
        Assert.Equal(second.GetRawText(), readBack.RootElement.GetRawText());
    }

    [Fact]
    public async Task Panoptic_files_are_recognised()
    {
        var json = await File.ReadAllTextAsync(Path.Combine(RepositoryRoot.Samples, "coco", "panoptic.json"));
        using var file = await ReadAsync(json, 4096);

        Assert.True(file.IsPanoptic);
        Assert.Equal(4, file.ByImage.Count);
    }

    [Theory]
    [InlineData("{\"images\": [], \"annotations\": [", "not a COCO annotation file")]
    [InlineData("[1, 2]", "not a COCO annotation file")]
    [InlineData("{\"categories\": []}", "needs 'images' and 'annotations'")]
    public async Task Broken_files_are_invalid_data(string json, string message)
    {
        var error = await Assert.ThrowsAsync<InvalidDataException>(() => ReadAsync(json, 4096));
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }
}
