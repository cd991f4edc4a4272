using System.Text.Json.Nodes;
using DataForge.Core.Stages;
using DataForge.Core.Stages.Contract;

namespace DataForge.Core.Tests;

/// <summary>Only declared, settable members are options; errors name options in words a user knows.</summary>
public sealed class OptionSurfaceTests
{
    private static readonly StageRegistry Registry = new(CoreStages.All);

    [Fact]
    public void Every_option_has_a_type_a_default_and_a_description_and_no_dotnet_name()
    {
        foreach (var definition in Registry.Definitions)
        {
            foreach (var option in definition.Options)
            {
                Assert.False(string.IsNullOrWhiteSpace(option.Description), $"{definition.Name}.{option.Name}");
                Assert.DoesNotContain("System.", option.Type, StringComparison.Ordinal);
                Assert.DoesNotContain("`", option.Default, StringComparison.Ordinal);
                Assert.Equal("--" + option.Name.Replace('_', '-'), option.Flag);
            }
        }

        var filter = Registry.Resolve("filter", "x");
        Assert.Equal(
            ["min_text_chars integer 0", "max_text_chars integer none", "min_width integer 0", "min_height integer 0", "max_width integer none", "max_height integer none", "max_aspect_ratio number none"],
            filter.Options.Select(option => $"{option.Name} {option.Type} {option.Default}"));
        Assert.Equal("list of strings", Registry.Resolve("read-text", "x").Options.Single(option => option.Name == "inputs").Type);
    }

    [Theory]
    [InlineData("seqlen", "seq_len")]
    [InlineData("--seq-len", "seq_len")]
    [InlineData("min_widht", "min_width")]
    [InlineData("tokeniser", "tokenizer")]
    public void The_nearest_name_is_found_for_a_typo(string given, string expected) =>
        Assert.Equal(expected, NearestName.Find(given, ["seq_len", "min_width", "tokenizer", "loss"]));

    [Fact]
    public void A_word_that_is_no_typo_of_any_option_gets_no_suggestion() =>
        Assert.Null(NearestName.Find("colour_space", ["seq_len", "min_width", "tokenizer"]));

    [Fact]
    public void A_value_of_the_wrong_kind_names_the_kind_in_words()
    {
        var error = Assert.Throws<UsageException>(() => Registry.Resolve("write", "p.yaml:3:5").Create(new JsonObject { ["row_group_size"] = "many" }, "p.yaml:3:5"));
        Assert.Equal("p.yaml:3:5: option 'row_group_size' of stage 'write' must be an integer, not \"many\"", error.Message);
        var list = Assert.Throws<UsageException>(() => Registry.Resolve("read-text", "x").Create(new JsonObject { ["inputs"] = 3 }, "x"));
        Assert.Equal("x: option 'inputs' of stage 'read-text' must be a list of strings, not 3", list.Message);
    }
}
