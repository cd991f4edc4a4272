using System.Text.Json.Serialization.Metadata;

namespace DataForge.Core.Stages.Contract;

/// <summary>
/// One option of a stage as users see it: the snake_case name of YAML and <c>--config</c>, the flag of the stage
/// command, its type in words (never a .NET type name), its default as YAML would write it, and what it does.
/// </summary>
public sealed record StageOption(
    string Name,
    string Flag,
    IReadOnlyList<string> Aliases,
    string Type,
    string Default,
    string Description)
{
    /// <summary>The kind of value, so command-line text can be turned into the JSON the options record binds.</summary>
    public required OptionValueKind Kind { get; init; }

    internal JsonPropertyInfo? Property { get; init; }
}

/// <summary>The shapes of option values.</summary>
public enum OptionValueKind
{
    Text,
    Integer,
    Number,
    Boolean,
    TextList,
    NumberList,

    /// <summary>A mapping or another structured value: only YAML or <c>--config</c> can give it.</summary>
    Structured,
}
