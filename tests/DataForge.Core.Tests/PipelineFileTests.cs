using DataForge.Core.Pipeline;
using DataForge.Core.Stages;
using DataForge.Core.Stages.Contract;

namespace DataForge.Core.Tests;

public sealed class PipelineFileTests
{
    private static PipelineSpec Parse(string yaml) => PipelineFile.Parse(yaml, "p.yaml", "/base");

    [Fact]
    public void A_pipeline_with_names_and_options_parses()
    {
        var spec = Parse("""
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
            """);
        Assert.Equal(("demo", 3, "out"), (spec.Name, spec.Tasks, spec.Output));
        Assert.Equal(["a", "b"], spec.Inputs);
        Assert.Equal(["read-text", "filter", "write"], spec.Stages.Select(stage => stage.Name));
        Assert.Equal(8, spec.Stages[1].Options["min_text_chars"]!.GetValue<long>());
        Assert.Equal(2.5, spec.Stages[1].Options["max_aspect_ratio"]!.GetValue<double>());
        Assert.Equal(7, spec.Stages[1].Location.Line);
    }

    [Fact]
    public void Broken_yaml_is_a_usage_error_with_line_and_column()
    {
        var error = Assert.Throws<UsageException>(() => Parse("output: out\nstages:\n  - read-text\n  - filter: {min_text_chars: 3\n"));
        Assert.Matches(@"^p\.yaml:\d+:\d+: invalid YAML", error.Message);
    }

    [Fact]
    public void An_unknown_top_level_key_is_named_with_its_line()
    {
        var error = Assert.Throws<UsageException>(() => Parse("output: out\nstagess: []\n"));
        Assert.StartsWith("p.yaml:2:1: unknown key 'stagess'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_output_and_stages_are_reported()
    {
        Assert.Contains("missing 'output'", Assert.Throws<UsageException>(() => Parse("stages: [write]")).Message, StringComparison.Ordinal);
        Assert.Contains("missing 'stages'", Assert.Throws<UsageException>(() => Parse("output: o")).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("tasks: 0")]
    [InlineData("tasks: many")]
    [InlineData("tasks: 100001")]
    public void Tasks_must_be_an_integer_from_one_to_the_most_a_run_may_have(string line)
    {
        var error = Assert.Throws<UsageException>(() => Parse($"output: o\n{line}\nstages: [write]\n"));
        Assert.Contains("'tasks' must be an integer 1..100000", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_stage_lists_the_known_ones()
    {
        var registry = new StageRegistry(CoreStages.All);
        var error = Assert.Throws<UsageException>(() => registry.Resolve("fliter", "p.yaml:4:5"));
        Assert.Equal("p.yaml:4:5: unknown stage 'fliter' (did you mean 'filter'?) (known stages: dedup-exact, filter, read-chat, read-images, read-samples, read-table, read-text, read-webdataset, write)", error.Message);
    }

    [Fact]
    public void An_unknown_option_lists_the_valid_ones()
    {
        var spec = Parse("output: o\nstages:\n  - filter: {min_widht: 3}\n");
        var registry = new StageRegistry(CoreStages.All);
        var error = Assert.Throws<UsageException>(() => registry.Resolve("filter", "here").Create(spec.Stages[0].Options, "here"));
        Assert.StartsWith("here: stage 'filter' has no option 'min_widht' (did you mean 'min_width'?) (options: min_text_chars,", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_option_of_the_wrong_type_or_value_is_a_usage_error()
    {
        var registry = new StageRegistry(CoreStages.All);
        var wrongType = Parse("output: o\nstages:\n  - filter: {min_width: wide}\n");
        Assert.Equal("x: option 'min_width' of stage 'filter' must be an integer, not \"wide\"", Assert.Throws<UsageException>(() => registry.Resolve("filter", "x").Create(wrongType.Stages[0].Options, "x")).Message);
        var invalid = Parse("output: o\nstages:\n  - filter: {min_text_chars: 10, max_text_chars: 5}\n");
        Assert.Contains("max_text_chars is below min_text_chars", Assert.Throws<UsageException>(() => registry.Resolve("filter", "x").Create(invalid.Stages[0].Options, "x")).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Quoted_scalars_stay_strings()
    {
        var spec = Parse("output: o\nstages:\n  - read-text: {text_field: \"123\"}\n");
        Assert.Equal("123", spec.Stages[0].Options["text_field"]!.GetValue<string>());
    }
}
