using Azure.Storage.Blobs;
using DataForge.Testing;

namespace DataForge.Cli.Tests;

/// <summary><c>dataforge asr</c> reading manifests, subtitles, a Kaldi directory and audio from Azure Blob Storage (Azurite).</summary>
[Collection(AzuriteCollection.Name)]
public sealed class AsrAzureTests(AzuriteFixture azurite) : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private static IEnumerable<string> MediaFiles(string output) =>
        Directory.GetFiles(Path.Combine(output, "media"), "*", SearchOption.AllDirectories).Select(path => Path.GetRelativePath(output, path)).Order(StringComparer.Ordinal);

    private static IEnumerable<string> RejectReasons(string output) =>
        Directory.GetFiles(Path.Combine(output, "rejects")).SelectMany(File.ReadAllLines)
            .Select(line => System.Text.Json.Nodes.JsonNode.Parse(line)!["reason"]!.GetValue<string>()).Order(StringComparer.Ordinal);

    [Fact]
    public async Task Speech_on_az_gives_the_same_utterances_and_rejects_as_on_disk()
    {
        var container = new BlobContainerClient(azurite.ConnectionString, "speech");
        await container.CreateIfNotExistsAsync();
        var root = Path.Combine(RepositoryRoot.Samples, "speech");
        foreach (var file in Directory.GetFiles(root, "*", SearchOption.AllDirectories))
        {
            await container.GetBlobClient(Path.GetRelativePath(root, file).Replace('\\', '/')).UploadAsync(file, overwrite: true);
        }

        var environment = new Dictionary<string, string> { ["AZURE_STORAGE_CONNECTION_STRING"] = azurite.ConnectionString };
        string[] options = ["--dialect", "cmn", "--workers", "2"];
        var local = _temp.Combine("local");
        var remote = _temp.Combine("remote");
        var onDisk = await CliProcess.RunAsync(["asr", "samples/speech/manifest.tsv", "samples/speech/broadcast.srt", "samples/speech/kaldi", "--glossary", "samples/speech/glossary.txt", "--out", local, .. options], environment);
        var onAzure = await CliProcess.RunAsync(["asr", "az://speech/manifest.tsv", "az://speech/broadcast.srt", "az://speech/kaldi", "--glossary", "az://speech/glossary.txt", "--out", remote, .. options], environment);

        Assert.True(onDisk.ExitCode == 0, onDisk.Stderr);
        Assert.True(onAzure.ExitCode == 0, onAzure.Stderr);
        Assert.Contains("25 in the sample set", onAzure.Stdout, StringComparison.Ordinal);
        Assert.Equal(MediaFiles(local), MediaFiles(remote));
        Assert.Equal(RejectReasons(local), RejectReasons(remote));
        Assert.DoesNotContain(azurite.ConnectionString, onAzure.Stdout + onAzure.Stderr, StringComparison.Ordinal);
    }
}
