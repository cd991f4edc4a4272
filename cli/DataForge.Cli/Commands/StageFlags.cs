using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using DataForge.Core;
using DataForge.Core.Stages.Contract;

namespace DataForge.Cli.Commands;

/// <summary>
/// A stage command's option flags, generated from the stage's declarations (<see cref="StageDefinition.Options"/>):
/// one flag per option, kebab-case, with the declared aliases, so YAML, <c>--config</c> and the command line cannot
/// drift. Values are taken as text and turned into the option's JSON here, so a wrong value is reported with the
/// option's type in words; the stage's own binding then validates them like any pipeline file.
/// </summary>
internal sealed class StageFlags
{
    private readonly List<(StageOption Declared, Option Flag)> _flags = [];

    private StageFlags(StageDefinition definition)
    {
        Definition = definition;
    }

    public StageDefinition Definition { get; }

    public IEnumerable<Option> Options => _flags.Select(flag => flag.Flag);

    /// <summary>Every option of the stage except its inputs (the command's arguments) and mappings (YAML only).</summary>
    public static StageFlags For(StageDefinition definition)
    {
        var flags = new StageFlags(definition);
        foreach (var option in definition.Options.Where(option => option.Name != "inputs" && option.Kind != OptionValueKind.Structured))
        {
            var description = $"{option.Description} ({option.Type}, default {option.Default})";
            Option flag = option.Kind switch
            {
                OptionValueKind.Boolean => new Option<bool?>(option.Flag, [.. option.Aliases]) { Description = description },
                OptionValueKind.TextList => new Option<string[]>(option.Flag, [.. option.Aliases]) { Description = description + "; comma-separated or repeated", AllowMultipleArgumentsPerToken = true },
                OptionValueKind.NumberList => new Option<string>(option.Flag, [.. option.Aliases]) { Description = description + "; comma-separated" },
                OptionValueKind.Text or OptionValueKind.Integer or OptionValueKind.Number => new Option<string>(option.Flag, [.. option.Aliases]) { Description = description },
                _ => throw new InvalidOperationException($"option kind {option.Kind} has no flag"),
            };
            flags._flags.Add((option, flag));
        }

        return flags;
    }

    public void AddTo(Command command)
    {
        foreach (var option in Options)
        {
            command.Options.Add(option);
        }
    }

    /// <summary>The options given as flags, over those of <paramref name="options"/> (from <c>--config</c>).</summary>
    public JsonObject Apply(ParseResult parse, JsonObject options)
    {
        foreach (var (declared, flag) in _flags)
        {
            if (parse.GetResult(flag) is null)
            {
                continue;
            }

            options[declared.Name] = flag switch
            {
                Option<bool?> boolean => parse.GetValue(boolean) ?? true,
                Option<string[]> list => new JsonArray([.. (parse.GetValue(list) ?? []).SelectMany(value => value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).Select(value => JsonValue.Create(value))]),
                Option<string> text => Convert(declared, parse.GetValue(text) ?? string.Empty),
                _ => throw new InvalidOperationException($"unexpected flag {flag.Name}"),
            };
        }

        return options;
    }

    /// <summary>
    /// Refuses an argument that is an unknown flag (<c>--seqlen</c>), which the parser would otherwise take for an
    /// input path, naming the nearest real flag.
    /// </summary>
    public static void RefuseFlagsAsInputs(Command command, IEnumerable<string> inputs)
    {
        if (inputs.FirstOrDefault(input => input.StartsWith('-') && input.Length > 1) is { } flag)
        {
            var names = command.Options.SelectMany(option => option.Aliases.Prepend(option.Name)).Where(name => name.StartsWith("--", StringComparison.Ordinal));
            throw new UsageException($"{command.Name}: unknown option '{flag}'{NearestName.Hint(flag, names)} (see 'dataforge {command.Name} --help')");
        }
    }

    private static JsonNode Convert(StageOption option, string text) => option.Kind switch
    {
        OptionValueKind.Integer => long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer)
            ? JsonValue.Create(integer)
            : throw new UsageException($"{option.Flag} must be an integer, not '{text}'"),
        OptionValueKind.Number => Number(option, text),
        OptionValueKind.NumberList => new JsonArray([.. text.Split(',', StringSplitOptions.TrimEntries).Select(item => (JsonNode)Number(option, item))]),
        _ => JsonValue.Create(text),
    };

    private static JsonValue Number(StageOption option, string text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && double.IsFinite(number)
            ? JsonValue.Create(number)
            : throw new UsageException($"{option.Flag} must be a number, not '{text}'");
}
