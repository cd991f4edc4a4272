using System.Text.Json.Nodes;
using DataForge.Testing;

namespace DataForge.Cli.Tests;

/// <summary><c>dataforge mix</c> on the bundled MM1 recipe (samples/mixtures/mm1.yaml), a <c>mix:</c> pipeline stage, and <c>train</c> on blends.</summary>
public sealed class MixCommandTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    /// <summary>The recipe's three sample sets, where the bundled mixture file expects them (../../out/ beside a samples/mixtures/ copy).</summary>
    private async Task<string> RecipeAsync()
    {
        foreach (var (pipeline, set) in new[] { ("web", "web"), ("captions", "captions"), ("text", "text") })
        {
            var run = await CliProcess.RunAsync("run", $"samples/pipelines/{pipeline}.yaml", "--output", _temp.Combine("out", set));
            Assert.True(run.ExitCode == 0, run.Stderr);
        }

        Directory.CreateDirectory(_temp.Combine("samples", "mixtures"));
        var mixture = _temp.Combine("samples", "mixtures", "mm1.yaml");
        File.Copy(Path.Combine(RepositoryRoot.Samples, "mixtures", "mm1.yaml"), mixture);
        return mixture;
    }

    [Fact]
    public async Task The_mm1_recipe_mixes_45_45_10_shows_its_shares_and_trains_with_its_images()
    {
        var mixture = await RecipeAsync();
        var output = _temp.Combine("mm1");
        var mix = await CliProcess.RunAsync("mix", mixture, "--out", output, "--ranks", "2");
        Assert.True(mix.ExitCode == 0, mix.Stderr);
        Assert.Contains("interleaved: target 45.0 %", mix.Stdout, StringComparison.Ordinal);
        Assert.Contains("text: target 10.0 %", mix.Stdout, StringComparison.Ordinal);

        var index = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(output, "index.json")))!;
        var sources = index["mixture"]!["sources"]!.AsArray();
        Assert.Equal(["interleaved", "captions", "text"], sources.Select(source => (string)source!["name"]!));
        Assert.All(sources, source => Assert.InRange((double)source!["realised_share"]! - (double)source["target_share"]!, -0.02, 0.02));
        Assert.Equal(0, (long)index["rows"]! % 2);
        Assert.True(Directory.Exists(Path.Combine(output, "media")), "the images the rows name are copied beside the shards");

        var inspect = await CliProcess.RunAsync("inspect", output, "--html", Path.Combine(output, "report.html"));
        Assert.True(inspect.ExitCode == 0, inspect.Stderr + inspect.Stdout);
        Assert.Contains("mixture     by tokens", inspect.Stdout, StringComparison.Ordinal);
        Assert.Contains("\"realised_share\"", await File.ReadAllTextAsync(Path.Combine(output, "report.html")), StringComparison.Ordinal);

        var train = await CliProcess.RunAsync("train", "--shards", output, "--out", _temp.Combine("run"), "--steps", "2", "--threads", "2");
        Assert.True(train.ExitCode == 0, train.Stderr);
        Assert.Contains($"media: {output}", train.Stderr, StringComparison.Ordinal);
        Assert.True((long)JsonNode.Parse((await File.ReadAllLinesAsync(_temp.Combine("run", "metrics.jsonl")))[0])!["images"]! >= 0);
    }

    [Fact]
    public async Task A_mix_stage_in_a_pipeline_and_train_on_blends_of_shard_sets()
    {
        await RecipeAsync();
        var pipeline = _temp.Combine("samples", "mixtures", "pipeline.yaml");
        await File.WriteAllTextAsync(pipeline, """
            name: blend
            output: ../../out/blend
            stages:
              - mix:
                  seq_len: 1024
                  path: shards
                  sources:
                    - {name: captions, path: ../../out/captions, weight: 1, max_epochs: 2}
                    - {name: text, path: ../../out/text, weight: 1, max_epochs: 2}
            """);
        var run = await CliProcess.RunAsync("run", pipeline);
        Assert.True(run.ExitCode == 0, run.Stderr);
        var shards = _temp.Combine("out", "blend", "shards");
        Assert.True(File.Exists(Path.Combine(shards, "index.json")));

        // The same sets as shard sets, blended by the trainer (Megatron's order) and by a mixture file.
        var captions = _temp.Combine("captions-shards");
        var text = _temp.Combine("text-shards");
        Assert.Equal(0, (await CliProcess.RunAsync("pack", _temp.Combine("out", "captions"), "--out", captions, "--seq-len", "1024")).ExitCode);
        Assert.Equal(0, (await CliProcess.RunAsync("pack", _temp.Combine("out", "text"), "--out", text, "--seq-len", "1024")).ExitCode);
        var blend = await CliProcess.RunAsync("train", "--data", "0.7", captions, "0.3", text, "--out", _temp.Combine("blend-run"), "--steps", "3", "--threads", "2", "--no-media");
        Assert.True(blend.ExitCode == 0, blend.Stderr);
        var line = JsonNode.Parse((await File.ReadAllLinesAsync(_temp.Combine("blend-run", "metrics.jsonl")))[0])!;
        Assert.NotNull(line["source_tokens"]!["captions-shards"]);

        var file = _temp.Combine("shards.yaml");
        await File.WriteAllTextAsync(file, $"seq_len: 1024\nsources:\n  - {{name: c, path: {captions}, weight: 0.5}}\n  - {{name: t, path: {text}, weight: 0.5}}\n");
        var fromFile = await CliProcess.RunAsync("train", "--mixture", file, "--out", _temp.Combine("mixture-run"), "--steps", "2", "--threads", "2", "--no-media");
        Assert.True(fromFile.ExitCode == 0, fromFile.Stderr);

        var odd = await CliProcess.RunAsync("train", "--data", "0.7", captions, "0.3", "--out", _temp.Combine("bad"));
        Assert.Equal(2, odd.ExitCode);
        Assert.Contains("pairs WEIGHT DIR", odd.Stderr, StringComparison.Ordinal);
        var both = await CliProcess.RunAsync("train", "--shards", captions, "--data", "1", text, "--out", _temp.Combine("bad"));
        Assert.Equal(2, both.ExitCode);
        var samples = await CliProcess.RunAsync("train", "--mixture", Path.Combine(_temp.Path, "samples", "mixtures", "mm1.yaml"), "--out", _temp.Combine("bad"));
        Assert.Equal(2, samples.ExitCode);
        Assert.Contains("is not a shard set", samples.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_source_and_a_bad_weight_are_one_line_errors()
    {
        var file = _temp.Combine("m.yaml");
        await File.WriteAllTextAsync(file, "sources:\n  - {name: a, path: nowhere, weight: 1}\n");
        var missing = await CliProcess.RunAsync("mix", file, "--out", _temp.Combine("o1"));
        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("source 'a'", missing.Stderr, StringComparison.Ordinal);
        Assert.Contains("does not exist", missing.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", missing.Stderr, StringComparison.Ordinal);

        // An empty file, a truncated one and a key of the wrong type: one line each, naming the place.
        foreach (var (body, message) in new[] { ("", "a mixture needs at least one source"), ("sources: [{name: a, path: x", "invalid YAML"), ("sources: 5\n", "must be a list of mappings, not 5") })
        {
            await File.WriteAllTextAsync(file, body);
            var refused = await CliProcess.RunAsync("mix", file, "--out", _temp.Combine("o0"));
            Assert.Equal(2, refused.ExitCode);
            Assert.Contains(message, refused.Stderr, StringComparison.Ordinal);
            Assert.DoesNotContain("   at ", refused.Stderr, StringComparison.Ordinal);
        }

        await File.WriteAllTextAsync(file, "sources:\n  - {name: a, path: nowhere, weight: -1}\n");
        var weight = await CliProcess.RunAsync("mix", file, "--out", _temp.Combine("o2"));
        Assert.Equal(2, weight.ExitCode);
        Assert.Contains("weight must be a positive number", weight.Stderr, StringComparison.Ordinal);
    }
}
