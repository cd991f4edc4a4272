using System.Text.Json.Nodes;
using Azure.Storage.Blobs;
using DataForge.Core.Pipeline;
using DataForge.Core.Stages.Contract;
using DataForge.Core.Storage;
using DataForge.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace DataForge.Core.Tests;

/// <summary>Inputs on Azure Blob Storage (Azurite): a prefix and a single blob read as the same files on disk would be.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class AzureInputTests(AzuriteFixture azurite) : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task A_run_reading_az_inputs_writes_the_same_set_as_one_reading_local_files()
    {
        var local = _temp.Combine("corpus");
        TestPipelines.WriteTextCorpus(local, files: 4, recordsPerFile: 12);
        var container = new BlobContainerClient(azurite.ConnectionString, "inputs");
        await container.CreateIfNotExistsAsync();
        foreach (var file in Directory.GetFiles(local))
        {
            await container.GetBlobClient($"corpus/{Path.GetFileName(file)}").UploadAsync(file, overwrite: true);
        }

        var factory = new StorageFactory(azurite.Environment, "/");
        var registry = TestPipelines.Registry();
        async Task<SortedDictionary<string, byte[]>> RunAsync(string input, string output)
        {
            var spec = TestPipelines.TextSpec(input, output, tasks: 2);
            await new PipelineRunner(registry, factory, NullLogger.Instance).RunAsync(spec, new RunOptions(new TaskSelection(null, null), 2), new RunCounters());
            return TestPipelines.Snapshot(output);
        }

        var fromDisk = await RunAsync(local, _temp.Combine("from-disk"));
        var fromAzure = await RunAsync("az://inputs/corpus", _temp.Combine("from-azure"));

        // Sources name where samples came from, so only the part files' sample sources differ; compare the rest exactly.
        Assert.Equal(fromDisk.Keys, fromAzure.Keys);
        var diskIds = await IdsAsync(_temp.Combine("from-disk"));
        var azureIds = await IdsAsync(_temp.Combine("from-azure"));
        Assert.Equal(48, diskIds.Count);
        Assert.Equal(diskIds, azureIds);
    }

    [Fact]
    public async Task A_single_blob_input_is_one_file_and_a_missing_prefix_is_not_found()
    {
        var container = new BlobContainerClient(azurite.ConnectionString, "single");
        await container.CreateIfNotExistsAsync();
        await container.GetBlobClient("docs/one.jsonl").UploadAsync(BinaryData.FromString("{\"text\":\"only this\"}\n"), overwrite: true);
        await container.GetBlobClient("docs/one.jsonl.bak").UploadAsync(BinaryData.FromString("not read"), overwrite: true);
        var resolver = new InputResolver(new StorageFactory(azurite.Environment, "/"));

        var files = await resolver.ExpandAsync("az://single/docs/one.jsonl").ToListAsync();

        var file = Assert.Single(files);
        Assert.Equal("az://single/docs/one.jsonl", file.Uri);
        Assert.Equal("one.jsonl", file.Path);
        await Assert.ThrowsAsync<StorageNotFoundException>(async () => await resolver.ExpandAsync("az://single/nothing-here").ToListAsync());
    }

    private static async Task<List<string>> IdsAsync(string set)
    {
        var ids = new List<string>();
        await foreach (var sample in SampleSets.SampleSetReader.ReadAsync(new LocalStorage(set)))
        {
            ids.Add(sample.Id);
        }

        ids.Sort(StringComparer.Ordinal);
        return ids;
    }
}
