using System.Text;
using DataForge.Core.Storage;
using DataForge.Testing;

namespace DataForge.Core.Tests;

/// <summary>The storage contract, run once against the local disk and once against Azure Blob Storage (Azurite).</summary>
public abstract class StorageConformanceTests
{
    protected abstract IStorage NewStorage();

    [Fact]
    public async Task A_write_is_invisible_until_commit_and_whole_after()
    {
        var storage = NewStorage();
        await using (var write = await storage.BeginWriteAsync("a/b/file.bin"))
        {
            await write.Stream.WriteAsync(new byte[100_000]);
            Assert.False(await storage.ExistsAsync("a/b/file.bin"));
            Assert.Empty(await ListAsync(storage, string.Empty));
            await write.CommitAsync();
        }

        Assert.True(await storage.ExistsAsync("a/b/file.bin"));
        Assert.Equal(100_000, (await ReadAsync(storage, "a/b/file.bin")).Length);
    }

    [Fact]
    public async Task A_write_disposed_without_commit_leaves_nothing()
    {
        var storage = NewStorage();
        await using (var write = await storage.BeginWriteAsync("gone.txt"))
        {
            await write.Stream.WriteAsync("partial"u8.ToArray());
        }

        Assert.False(await storage.ExistsAsync("gone.txt"));
        Assert.Empty(await ListAsync(storage, string.Empty));
    }

    [Fact]
    public async Task A_commit_replaces_the_previous_object()
    {
        var storage = NewStorage();
        await WriteAsync(storage, "x.txt", "first version, longer");
        await WriteAsync(storage, "x.txt", "second");
        Assert.Equal("second", Encoding.UTF8.GetString(await ReadAsync(storage, "x.txt")));
    }

    [Fact]
    public async Task An_empty_object_can_be_written_and_read()
    {
        var storage = NewStorage();
        await WriteAsync(storage, "_SUCCESS", string.Empty);
        Assert.True(await storage.ExistsAsync("_SUCCESS"));
        Assert.Empty(await ReadAsync(storage, "_SUCCESS"));
    }

    [Fact]
    public async Task Large_objects_span_several_blocks_and_read_back_exactly()
    {
        var storage = NewStorage();
        var bytes = new byte[(8 << 20) + 12345];
        new Random(7).NextBytes(bytes);
        await using (var write = await storage.BeginWriteAsync("big.bin"))
        {
            await write.Stream.WriteAsync(bytes);
            await write.CommitAsync();
        }

        Assert.Equal(bytes, await ReadAsync(storage, "big.bin"));
    }

    [Fact]
    public async Task Listing_is_recursive_ordinal_and_scoped_to_the_prefix()
    {
        var storage = NewStorage();
        foreach (var path in new[] { "b/2.txt", "a/z.txt", "a/B.txt", "ab.txt", "b/1/deep.txt" })
        {
            await WriteAsync(storage, path, path);
        }

        Assert.Equal(["a/B.txt", "a/z.txt", "ab.txt", "b/1/deep.txt", "b/2.txt"], await ListAsync(storage, string.Empty));
        Assert.Equal(["a/B.txt", "a/z.txt"], await ListAsync(storage, "a"));
        Assert.Equal(["ab.txt"], await ListAsync(storage, "ab.txt"));
        Assert.Empty(await ListAsync(storage, "missing"));
    }

    [Fact]
    public async Task A_sub_storage_sees_only_its_folder_with_relative_paths()
    {
        var storage = NewStorage();
        await WriteAsync(storage, "outer.txt", "o");
        await WriteAsync(storage.At("inner"), "x/y.txt", "i");
        Assert.Equal(["inner/x/y.txt", "outer.txt"], await ListAsync(storage, string.Empty));
        Assert.Equal(["x/y.txt"], await ListAsync(storage.At("inner"), string.Empty));
        Assert.Equal("i", Encoding.UTF8.GetString(await ReadAsync(storage.At("inner/x"), "y.txt")));
    }

    [Fact]
    public async Task Reading_a_missing_object_names_it()
    {
        var storage = NewStorage();
        var error = await Assert.ThrowsAsync<StorageNotFoundException>(() => storage.OpenReadAsync("nope.bin"));
        Assert.EndsWith("nope.bin", error.MissingUri, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Delete_removes_an_object_and_ignores_a_missing_one()
    {
        var storage = NewStorage();
        await WriteAsync(storage, "d.txt", "d");
        await storage.DeleteAsync("d.txt");
        await storage.DeleteAsync("d.txt");
        Assert.False(await storage.ExistsAsync("d.txt"));
    }

    [Fact]
    public async Task Paths_cannot_escape_the_root()
    {
        var storage = NewStorage();
        await Assert.ThrowsAsync<ArgumentException>(() => storage.BeginWriteAsync("../escape.txt"));
    }

    private static async Task WriteAsync(IStorage storage, string path, string text)
    {
        await using var write = await storage.BeginWriteAsync(path);
        await write.Stream.WriteAsync(Encoding.UTF8.GetBytes(text));
        await write.CommitAsync();
    }

    private static async Task<byte[]> ReadAsync(IStorage storage, string path)
    {
        await using var stream = await storage.OpenReadAsync(path);
        using var buffer = new MemoryStream();
        await stream.CopyToAsync(buffer);
        return buffer.ToArray();
    }

    private static async Task<List<string>> ListAsync(IStorage storage, string prefix)
    {
        var paths = new List<string>();
        await foreach (var item in storage.ListAsync(prefix))
        {
            paths.Add(item.Path);
        }

        return paths;
    }
}

public sealed class LocalStorageConformanceTests : StorageConformanceTests, IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    protected override IStorage NewStorage() => new LocalStorage(_temp.Combine(Guid.NewGuid().ToString("N")));
}

[Collection(AzuriteCollection.Name)]
public sealed class AzureBlobStorageConformanceTests(AzuriteFixture azurite) : StorageConformanceTests
{
    protected override IStorage NewStorage() =>
        new StorageFactory(azurite.Environment, "/").Open($"az://conformance/{Guid.NewGuid():N}/root");
}
