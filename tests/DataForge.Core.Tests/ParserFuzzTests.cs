using CsCheck;
using DataForge.Core.Pipeline;
using DataForge.Core.Stages.Contract;

namespace DataForge.Core.Tests;

/// <summary>The pipeline-file parser on random and mutated YAML: a spec or a UsageException with the file's name, nothing else.</summary>
public sealed class ParserFuzzTests
{
    private const string Seed = """
        name: demo
        inputs: [a, "b"]
        output: out
        tasks: 3
        stages:
          - read-text
          - filter:
              min_text_chars: 8
              max_aspect_ratio: 2.5
          - write: ~
          - pack: {path: shards, seq_len: 1024}
        """;

    private static readonly string[] Tokens = ["{", "}", "[", "]", ":", "- ", "\n  ", "&a", "*a", "!!binary", "\t", "'", "\"", "? ", "|", ">", "~", "9999999999999999999999"];

    [Fact]
    public void Mutated_pipeline_files_parse_or_fail_with_a_usage_error()
    {
        var edits = Gen.Select(Gen.Int[0, Seed.Length], Gen.Int[0, 12], Gen.OneOf(Gen.String[0, 8], Gen.Int[0, 17].Select(i => Tokens[i])));
        Gen.OneOf(
            Gen.Char.Array[0, 300].Select(chars => new string(chars)),
            edits.Array[1, 6].Select(list => list.Aggregate(Seed, (text, edit) =>
            {
                var at = Math.Min(edit.Item1, text.Length);
                return text.Remove(at, Math.Min(edit.Item2, text.Length - at)).Insert(at, edit.Item3);
            })))
        .Sample(yaml =>
        {
            try
            {
                var spec = PipelineFile.Parse(yaml, "p.yaml", "/base");
                Assert.NotNull(spec.Output);
                Assert.True(spec.Tasks >= 1);
            }
            catch (UsageException e)
            {
                Assert.Contains("p.yaml", e.Message, StringComparison.Ordinal);
            }
        }, iter: 4000);
    }
}
