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

        // Sources name where samples came from (a path or an az:// URI), and the inputs are part of the config hash,
        // so sources, manifests and task reports differ; every sample's id, parts, meta and split, and every reject's
        // stage, reason and message, must be the same, in the same files and order.
        Assert.Equal(fromDisk.Keys, fromAzure.Keys);
        var disk = await SamplesAsync(_temp.Combine("from-disk"));
        var azure = await SamplesAsync(_temp.Combine("from-azure"));
        Assert.Equal(48, disk.Count);
        Assert.Equal(disk, azure);
        Assert.Equal(Rejects(_temp.Combine("from-disk")), Rejects(_temp.Combine("from-azure")));
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

    /// <summary>Every sample but its source, part file by part file, in order.</summary>
    private static async Task<List<string>> SamplesAsync(string set)
    {
        var samples = new List<string>();
        foreach (var file in Directory.GetFiles(set, "part-*.parquet").Order(StringComparer.Ordinal))
        {
            await foreach (var sample in SampleSets.SampleSetReader.ReadFileAsync(new LocalStorage(set), Path.GetFileName(file)))
            {
                samples.Add($"{Path.GetFileName(file)} {sample.Id} {sample.Split} {sample.Meta} {string.Join(" | ", sample.Parts)}");
            }
        }

        return samples;
    }

    /// <summary>Every reject line without its input (which names the file by its location), file by file.</summary>
    private static List<string> Rejects(string set) =>
        [.. Directory.Exists(Path.Combine(set, "rejects"))
            ? Directory.GetFiles(Path.Combine(set, "rejects")).Order(StringComparer.Ordinal).SelectMany(file => File.ReadLines(file).Select(line =>
            {
                var reject = JsonNode.Parse(line)!.AsObject();
                return $"{Path.GetFileName(file)} {reject["stage"]} {reject["reason"]} {reject["message"]}";
            }))
            : []];
}
