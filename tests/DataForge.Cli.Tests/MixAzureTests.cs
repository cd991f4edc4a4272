using Azure.Storage.Blobs;
using DataForge.Testing;

namespace DataForge.Cli.Tests;

/// <summary>A mixture of sample sets on Azure Blob Storage (Azurite), written there, is the same bytes as on disk.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class MixAzureTests(AzuriteFixture azurite) : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Sources_and_output_on_az_give_the_shards_a_local_mixture_gives()
    {
        var container = new BlobContainerClient(azurite.ConnectionString, "mixsources");
        await container.CreateIfNotExistsAsync();
        foreach (var set in new[] { "captions", "text" })
        {
            var output = _temp.Combine("sets", set);
            Assert.Equal(0, (await CliProcess.RunAsync("run", $"samples/pipelines/{set}.yaml", "--output", output)).ExitCode);
            foreach (var file in Directory.GetFiles(output, "*", SearchOption.AllDirectories))
            {
                await container.GetBlobClient($"{set}/{Path.GetRelativePath(output, file).Replace('\\', '/')}").UploadAsync(file, overwrite: true);
            }
        }

        const string Body = "seq_len: 512\nseed: 2\nsources:\n  - {name: captions, path: SETS/captions, weight: 0.8, max_epochs: 3}\n  - {name: text, path: SETS/text, weight: 0.2, max_epochs: 3}\n";
        var local = _temp.Combine("local.yaml");
        var remote = _temp.Combine("remote.yaml");
        await File.WriteAllTextAsync(local, Body.Replace("SETS", _temp.Combine("sets"), StringComparison.Ordinal));
        await File.WriteAllTextAsync(remote, Body.Replace("SETS", "az://mixsources", StringComparison.Ordinal));
        var environment = new Dictionary<string, string> { ["AZURE_STORAGE_CONNECTION_STRING"] = azurite.ConnectionString };
        var onDisk = await CliProcess.RunAsync(["mix", local, "--out", _temp.Combine("mixed")], environment);
        var onAzure = await CliProcess.RunAsync(["mix", remote, "--out", "az://mixed/m"], environment);
        Assert.True(onDisk.ExitCode == 0, onDisk.Stderr);
        Assert.True(onAzure.ExitCode == 0, onAzure.Stderr);

        var shards = new BlobContainerClient(azurite.ConnectionString, "mixed");
        var names = Directory.GetFiles(_temp.Combine("mixed"), "shard-*.parquet").Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        Assert.NotEmpty(names);
        foreach (var name in names)
        {
            var blob = (await shards.GetBlobClient($"m/{name}").DownloadContentAsync()).Value.Content.ToArray();
            Assert.Equal(await File.ReadAllBytesAsync(_temp.Combine("mixed", name!)), blob);
        }

        var media = Directory.GetFiles(_temp.Combine("mixed", "media"), "*", SearchOption.AllDirectories).Select(path => Path.GetRelativePath(_temp.Combine("mixed"), path).Replace('\\', '/')).Order(StringComparer.Ordinal).ToList();
        var remoteMedia = new List<string>();
        await foreach (var item in shards.GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, "m/media/", CancellationToken.None))
        {
            remoteMedia.Add(item.Name["m/".Length..]);
        }

        Assert.Equal(media, remoteMedia.Order(StringComparer.Ordinal));
    }
}
