using System.Text.Json.Nodes;
using DataForge.Core.Pipeline;
using DataForge.Core.Stages.Contract;

namespace DataForge.Testing;

/// <summary>
/// A fuzz target that runs a whole source stage, then write, in-process over one mutated input file: whatever the
/// stage does with the input (records, rejects, counters) the run must end with its manifest. An exception that
/// escapes the stage ends its task, which is what the fuzz looks for, so none is allowed: the stage's own mapping of
/// errors to reasons is what is under test, not a copy of it.
/// </summary>
public static class StageFuzz
{
    /// <param name="options">The stage's options for the input at the given path (it lies in a fresh folder per input).</param>
    /// <param name="prepare">Puts what the input names beside it (audio files), given that folder.</param>
    public static Func<byte[], Task> Target(StageDefinition stage, string fileName, Func<string, JsonObject> options, Action<string>? prepare = null)
    {
        return async bytes =>
        {
            using var temp = new TempFolder();
            prepare?.Invoke(temp.Path);
            var input = temp.Combine(fileName);
            await File.WriteAllBytesAsync(input, bytes);
            var spec = new PipelineSpec(
                "fuzz",
                [],
                temp.Combine("out"),
                [new StageSpec(stage.Name, options(input), new SourceLocation("fuzz", 1, 1)), new StageSpec("write", [], new SourceLocation("fuzz", 2, 1))],
                1,
                temp.Path);
            var result = await PipelineRuns.RunAsync(spec, [stage], workers: 1);
            if (result.Manifest is null)
            {
                throw new InvalidOperationException("the run ended without its manifest");
            }
        };
    }
}
