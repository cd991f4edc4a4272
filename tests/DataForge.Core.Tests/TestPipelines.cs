using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using DataForge.Core.Model;
using DataForge.Core.Pipeline;
using DataForge.Core.Stages;
using DataForge.Core.Stages.Contract;
using DataForge.Core.Storage;
using Microsoft.Extensions.Logging.Abstractions;

namespace DataForge.Core.Tests;

/// <summary>Options of the test-only stage that crashes a run part-way, as a killed worker would.</summary>
internal sealed record CrashOptions : IStageOptions
{
    [Option("The task that crashes.")]
    public int Task { get; init; }

    [Option("Samples passed on before the crash.")]
    public int AfterSamples { get; init; }

    public IEnumerable<string> Validate() => [];
}

/// <summary>Throws in one task after some samples, while <see cref="Armed"/> is set; otherwise passes samples through.</summary>
internal sealed class CrashStage(CrashOptions options, StrongBox<bool> armed) : IStage
{
    public async IAsyncEnumerable<Sample> RunAsync(IAsyncEnumerable<Sample> input, StageContext context)
    {
        var seen = 0;
        await foreach (var sample in input.WithCancellation(context.CancellationToken))
        {
            if (armed.Value && context.TaskIndex == options.Task && ++seen > options.AfterSamples)
            {
                throw new IOException("simulated crash");
            }

            yield return sample;
        }
    }
}

internal static class TestPipelines
{
    public static StageRegistry Registry(StrongBox<bool>? crashArmed = null) =>
        new([.. CoreStages.All, new StageDefinition<CrashOptions>("crash", "test: crash a task", options => new CrashStage(options, crashArmed ?? new StrongBox<bool>(false)), [])]);

    public static PipelineRunner Runner(StageRegistry? registry = null) =>
        new(registry ?? Registry(), new StorageFactory(_ => null, "/"), NullLogger.Instance);

    public static Task<RunResult> RunAsync(PipelineRunner runner, PipelineSpec spec, int workers = 2, int? taskIndex = null) =>
        runner.RunAsync(spec, new RunOptions(new TaskSelection(taskIndex, null), workers), new RunCounters());

    /// <summary>Writes JSONL files of text records into a folder, a few records each.</summary>
    public static void WriteTextCorpus(string folder, int files, int recordsPerFile)
    {
        Directory.CreateDirectory(folder);
        for (var file = 0; file < files; file++)
        {
            var lines = Enumerable.Range(0, recordsPerFile).Select(record =>
                $$"""{"id":"f{{file}}-r{{record}}","text":"document {{record}} of file {{file}}: {{new string('x', record % 13)}} 文本 {{record * file}}"}""");
            File.WriteAllLines(Path.Combine(folder, $"shard-{file:D3}.jsonl"), lines);
        }
    }

    /// <summary>Every file under a folder (temp files of interrupted writes excluded) with its bytes.</summary>
    public static SortedDictionary<string, byte[]> Snapshot(string folder)
    {
        var files = new SortedDictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories))
        {
            var name = Path.GetFileName(file);
            if (name.StartsWith('.') && name.EndsWith(".tmp", StringComparison.Ordinal))
            {
                continue;
            }

            files[Path.GetRelativePath(folder, file).Replace('\\', '/')] = File.ReadAllBytes(file);
        }

        return files;
    }

    public static PipelineSpec TextSpec(string input, string output, int tasks, params StageSpec[] middle) =>
        new(
            "test",
            [input],
            output,
            [Stage("read-text"), .. middle, Stage("dedup-exact"), Stage("write", ("row_group_size", 7))],
            tasks,
            "/");

    public static StageSpec Stage(string name, params (string Key, object Value)[] options)
    {
        var json = new System.Text.Json.Nodes.JsonObject();
        foreach (var (key, value) in options)
        {
            json[key] = System.Text.Json.Nodes.JsonValue.Create(value);
        }

        return new StageSpec(name, json, new SourceLocation("test.yaml", 1, 1));
    }

    public static ImmutableArray<Part> TextParts(string text) => [new TextPart(text, Role.Target)];
}
