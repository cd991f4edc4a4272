using System.Text.Json;
using System.Text.Json.Nodes;
using DataForge.Core.Model;
using DataForge.Core.Pipeline;
using DataForge.Core.SampleSets;
using DataForge.Core.Storage;

namespace DataForge.Testing;

/// <summary>A line of a run's rejects/ files.</summary>
public sealed record StageReject(string Input, string Reason, string Message);

/// <summary>Runs one core source stage and a writer, the way a reader's tests look at it: the samples written and every reject.</summary>
public static class SourceStageRuns
{
    public static async Task<(List<Sample> Samples, List<StageReject> Rejects)> RunAsync(string stage, JsonObject options, string output, string baseDirectory)
    {
        var spec = new PipelineSpec(stage, [], output, [new StageSpec(stage, options, new SourceLocation("t", 1, 1)), new StageSpec("write", [], new SourceLocation("t", 2, 1))], 1, baseDirectory);
        await PipelineRuns.RunAsync(spec, []);
        var samples = await SampleSetReader.ReadAsync(new LocalStorage(output)).ToListAsync();
        var folder = Path.Combine(output, "rejects");
        var rejects = !Directory.Exists(folder) ? [] : Directory.GetFiles(folder).Order(StringComparer.Ordinal).SelectMany(File.ReadLines).Select(line =>
        {
            using var reject = JsonDocument.Parse(line);
            var root = reject.RootElement;
            return new StageReject(root.GetProperty("input").GetString()!, root.GetProperty("reason").GetString()!, root.GetProperty("message").GetString()!);
        }).ToList();
        return (samples, rejects);
    }
}
