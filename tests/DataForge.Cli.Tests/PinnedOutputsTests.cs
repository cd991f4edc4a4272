using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using DataForge.Testing;

namespace DataForge.Cli.Tests;

/// <summary>
/// The bundled pipelines' config hashes and output bytes, pinned. A refactoring of the stage contract must not move
/// a byte of what users already have on disk (a changed config hash makes a rerun refuse their output folder).
/// The pins were taken with the code before the stage-contract rework (commit dace062); when an output is meant to
/// change, regenerate them with <c>DATAFORGE_PIN_WRITE=1</c> and say why in the commit.
/// </summary>
public sealed class PinnedOutputsTests : IDisposable
{
    private static readonly string PinFile = Path.Combine(RepositoryRoot.Path, "tests", "DataForge.Cli.Tests", "Pinned", "bundled-pipelines.json");
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    public static TheoryData<string> Pipelines => new() { "demo", "images", "text", "seg2edit", "asr", "captions", "chat", "webdataset", "web", "video" };

    [Theory]
    [MemberData(nameof(Pipelines))]
    public async Task A_bundled_pipeline_gives_its_pinned_config_hash_and_bytes(string pipeline)
    {
        var output = _temp.Combine(pipeline);
        var run = await CliProcess.RunAsync("run", $"samples/pipelines/{pipeline}.yaml", "--output", output);
        Assert.True(run.ExitCode == 0, run.Stderr);
        var actual = Digest(output);

        var pins = File.Exists(PinFile) ? JsonNode.Parse(await File.ReadAllTextAsync(PinFile))!.AsObject() : [];
        if (Environment.GetEnvironmentVariable("DATAFORGE_PIN_WRITE") == "1")
        {
            pins[pipeline] = actual;
            await File.WriteAllTextAsync(PinFile, pins.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
            return;
        }

        var expected = pins[pipeline]?.AsObject() ?? throw new InvalidOperationException($"no pin for {pipeline} in {PinFile}");
        Assert.Equal(expected["config_hash"]!.GetValue<string>(), actual["config_hash"]!.GetValue<string>());
        var expectedFiles = expected["files"]!.AsObject().ToDictionary(pair => pair.Key, pair => pair.Value!.GetValue<string>());
        var actualFiles = actual["files"]!.AsObject().ToDictionary(pair => pair.Key, pair => pair.Value!.GetValue<string>());
        var differing = expectedFiles.Keys.Union(actualFiles.Keys)
            .Where(name => expectedFiles.GetValueOrDefault(name) != actualFiles.GetValueOrDefault(name))
            .Order(StringComparer.Ordinal)
            .ToList();
        Assert.True(differing.Count == 0, $"{pipeline}: these output files differ from the pin: {string.Join(", ", differing)}");
    }

    /// <summary>The config hash and the sha256 of every output file; the media store is one digest over its names and bytes.</summary>
    private static JsonObject Digest(string output)
    {
        var files = new JsonObject();
        using var media = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var mediaCount = 0;
        foreach (var path in Directory.EnumerateFiles(output, "*", SearchOption.AllDirectories)
            .Select(path => Path.GetRelativePath(output, path).Replace('\\', '/'))
            .Order(StringComparer.Ordinal))
        {
            var bytes = File.ReadAllBytes(Path.Combine(output, path));
            if (path.StartsWith("media/", StringComparison.Ordinal))
            {
                media.AppendData(System.Text.Encoding.UTF8.GetBytes(path));
                media.AppendData(bytes);
                mediaCount++;
                continue;
            }

            files[path] = Convert.ToHexStringLower(SHA256.HashData(bytes));
        }

        files[$"media/ ({mediaCount} files)"] = Convert.ToHexStringLower(media.GetHashAndReset());
        using var plan = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "_tasks", "_plan.json")));
        return new JsonObject
        {
            ["config_hash"] = plan.RootElement.GetProperty("config_hash").GetString(),
            ["files"] = files,
        };
    }
}
