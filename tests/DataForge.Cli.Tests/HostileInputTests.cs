using System.Text.Json;
using DataForge.Testing;

namespace DataForge.Cli.Tests;

/// <summary>
/// Names taken from input data that point outside their folder (../, absolute paths) are rejects with a reason and are
/// never opened; credentials given to DataForge never appear in what it prints.
/// </summary>
public sealed class HostileInputTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Annotation_file_names_that_leave_the_images_folder_are_rejected_not_read()
    {
        var images = Directory.CreateDirectory(_temp.Combine("coco", "images")).FullName;
        File.Copy(Path.Combine(RepositoryRoot.Samples, "coco", "images", "000000000001.jpg"), Path.Combine(images, "000000000001.jpg"));
        var coco = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(await File.ReadAllTextAsync(Path.Combine(RepositoryRoot.Samples, "coco", "instances.json")))!;
        var first = coco["images"][0];
        coco["images"] = JsonSerializer.SerializeToElement(new object[]
        {
            first,
            new { id = 2, file_name = "../../../../../../etc/passwd", width = 352, height = 240 },
            new { id = 3, file_name = "/etc/hostname", width = 384, height = 240 },
        });
        await File.WriteAllTextAsync(_temp.Combine("coco", "instances.json"), JsonSerializer.Serialize(coco));
        var pipeline = _temp.Combine("seg.yaml");
        await File.WriteAllTextAsync(pipeline, "name: hostile\noutput: out\nstages:\n  - seg2edit:\n      inputs: [coco/instances.json]\n      images: coco/images\n  - write\n");

        var run = await CliProcess.RunAsync("run", pipeline);

        Assert.True(run.ExitCode == 0, run.Stderr);
        var rejects = RejectReasons(_temp.Combine("out"));
        Assert.Equal(2, rejects.Count(reason => reason == "image.path_outside"));
    }

    [Fact]
    public async Task Manifest_audio_paths_that_leave_the_manifests_folder_are_rejected_unless_allowed()
    {
        var speech = Directory.CreateDirectory(_temp.Combine("speech")).FullName;
        File.Copy(Path.Combine(RepositoryRoot.Samples, "speech", "audio", "hak-006.wav"), Path.Combine(speech, "ok.wav"));
        File.Copy(Path.Combine(RepositoryRoot.Samples, "speech", "audio", "hak-006.wav"), _temp.Combine("outside.wav"));
        await File.WriteAllTextAsync(Path.Combine(speech, "manifest.tsv"), $"audio\ttext\tspeaker\tdialect\nok.wav\t{Transcript}\ts1\thak\n../outside.wav\t{Transcript}\ts2\thak\n{_temp.Combine("outside.wav")}\t{Transcript}\ts3\thak\n");
        var strict = _temp.Combine("strict.yaml");
        await File.WriteAllTextAsync(strict, "name: hostile\noutput: strict\nstages:\n  - asr:\n      inputs: [speech/manifest.tsv]\n  - write\n");
        var allowing = _temp.Combine("allowing.yaml");
        await File.WriteAllTextAsync(allowing, "name: hostile\noutput: allowing\nstages:\n  - asr:\n      inputs: [speech/manifest.tsv]\n      allow_paths_outside: true\n  - write\n");

        Assert.Equal(0, (await CliProcess.RunAsync("run", strict)).ExitCode);
        Assert.Equal(0, (await CliProcess.RunAsync("run", allowing)).ExitCode);

        Assert.Equal(2, RejectReasons(_temp.Combine("strict")).Count(reason => reason == "audio.path_outside"));
        Assert.DoesNotContain("audio.path_outside", RejectReasons(_temp.Combine("allowing")));
        static long Samples(string output) => JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "_manifest.json"))).RootElement.GetProperty("samples").GetInt64();
        Assert.Equal(Samples(_temp.Combine("strict")) + 2, Samples(_temp.Combine("allowing")));
    }

    [Fact]
    public async Task A_malformed_connection_string_is_a_usage_error_that_does_not_repeat_the_key()
    {
        var result = await CliProcess.RunAsync(["inspect", "az://container/set"], new Dictionary<string, string> { ["AZURE_STORAGE_CONNECTION_STRING"] = "AccountName=x;AccountKey=U0VDUkVUS0VZ;no-equals-sign" });

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith("error: AZURE_STORAGE_CONNECTION_STRING is not a usable connection string", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("U0VDUkVUS0VZ", result.Stdout + result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Stderr, StringComparison.Ordinal);
    }

    private const string Transcript = "\u4f60\u597d\u4e16\u754c\u4f60\u597d\u4e16\u754c\u4f60\u597d\u4e16\u754c";

    private static List<string> RejectReasons(string output) => !Directory.Exists(Path.Combine(output, "rejects")) ? [] :
        [.. Directory.GetFiles(Path.Combine(output, "rejects"), "*.jsonl").SelectMany(File.ReadLines).Select(line => JsonDocument.Parse(line).RootElement.GetProperty("reason").GetString()!)];
}
