using System.Globalization;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;

namespace DataForge.Core.Stages.Contract;

/// <summary>
/// The option surface of one options record, read once from its declarations: every member with a setter and an
/// <see cref="OptionAttribute"/> is an option (name, flag, type, default, description); readable members without a
/// setter are derived values, refused as input. Binding errors name the option, its type in words and the nearest
/// valid name, never a .NET type.
/// </summary>
public sealed class OptionSchema
{
    private readonly Dictionary<string, StageOption> _byName;

    private OptionSchema(IReadOnlyList<StageOption> options, IReadOnlyList<string> derived)
    {
        Options = options;
        Derived = derived;
        _byName = options.ToDictionary(option => option.Name, StringComparer.Ordinal);
    }

    public IReadOnlyList<StageOption> Options { get; }

    /// <summary>Readable members that are not options (<c>loss_on_targets_only</c>): computed from the options.</summary>
    public IReadOnlyList<string> Derived { get; }

    public StageOption? Find(string name) => _byName.GetValueOrDefault(name);

    public static OptionSchema For<TOptions>(JsonSerializerOptions json)
        where TOptions : IStageOptions, new()
    {
        var info = json.GetTypeInfo(typeof(TOptions));
        var defaults = JsonSerializer.SerializeToNode(new TOptions(), json)!.AsObject();
        var options = new List<StageOption>();
        var derived = new List<string>();
        foreach (var property in info.Properties)
        {
            var declaration = (property.AttributeProvider as PropertyInfo)?.GetCustomAttribute<OptionAttribute>();
            if (property.Set is null)
            {
                derived.Add(property.Name);
                continue;
            }

            if (declaration is null)
            {
                throw new InvalidOperationException($"{typeof(TOptions).Name}.{property.Name}: a settable member of an options record needs an [Option(\"description\")]");
            }

            var (type, kind) = Describe(property.PropertyType);
            options.Add(new StageOption(
                property.Name,
                "--" + property.Name.Replace('_', '-'),
                declaration.Aliases,
                type,
                ShowDefault(defaults[property.Name]),
                declaration.Description)
            {
                Kind = kind,
                Property = property,
            });
        }

        return new OptionSchema(options, derived);
    }

    /// <summary>Refuses keys that are not options, naming the nearest one; derived members are named as such.</summary>
    public void CheckKeys(JsonObject given, string where, string stage)
    {
        foreach (var (key, _) in given)
        {
            if (_byName.ContainsKey(key))
            {
                continue;
            }

            if (Derived.Contains(key))
            {
                throw new UsageException($"{where}: '{key}' of stage '{stage}' is derived from its other options and cannot be set{NearestName.Hint(key, _byName.Keys)}");
            }

            var known = Options.Count == 0 ? "none" : string.Join(", ", Options.Select(option => option.Name));
            throw new UsageException($"{where}: stage '{stage}' has no option '{key}'{NearestName.Hint(key, _byName.Keys)} (options: {known}; see 'dataforge stages {stage}')");
        }
    }

    /// <summary>The message for a value of the wrong kind, from the path the JSON reader stopped at.</summary>
    public string TypeError(JsonException error, JsonObject given, string where, string stage)
    {
        var key = error.Path is { Length: > 2 } path ? path[2..].Split('.', '[')[0] : null;
        if (key is null || Find(key) is not { } option)
        {
            return $"{where}: stage '{stage}' has an option of the wrong type";
        }

        var value = given[key]?.ToJsonString(DataForgeJson.Compact) ?? "null";
        return $"{where}: option '{key}' of stage '{stage}' must be {Article(option.Type)}, not {value}";
    }

    private static string Article(string type) =>
        type.StartsWith("list", StringComparison.Ordinal) || type.StartsWith("mapping", StringComparison.Ordinal) ? $"a {type}"
        : type.StartsWith('i') ? $"an {type}" : $"a {type}";

    private static (string Type, OptionValueKind Kind) Describe(Type type)
    {
        var underlying = Nullable.GetUnderlyingType(type) ?? type;
        if (underlying == typeof(string))
        {
            return ("string", OptionValueKind.Text);
        }

        if (underlying == typeof(int) || underlying == typeof(long))
        {
            return ("integer", OptionValueKind.Integer);
        }

        if (underlying == typeof(double) || underlying == typeof(float))
        {
            return ("number", OptionValueKind.Number);
        }

        if (underlying == typeof(bool))
        {
            return ("boolean", OptionValueKind.Boolean);
        }

        if (ElementOf(underlying) is { } element)
        {
            return element == typeof(string) ? ("list of strings", OptionValueKind.TextList)
                : element == typeof(double) || element == typeof(int) || element == typeof(long) ? ("list of numbers", OptionValueKind.NumberList)
                : ("list of mappings", OptionValueKind.Structured);
        }

        if (underlying.IsGenericType && underlying.GetGenericTypeDefinition() == typeof(IReadOnlyDictionary<,>))
        {
            var value = underlying.GetGenericArguments()[1];
            return (value == typeof(string) ? "mapping of strings" : ElementOf(value) is not null ? "mapping of lists" : "mapping", OptionValueKind.Structured);
        }

        return ("mapping", OptionValueKind.Structured);
    }

    private static Type? ElementOf(Type type) =>
        type.IsArray ? type.GetElementType()
        : type.IsGenericType && type.GetGenericTypeDefinition() is var generic && (generic == typeof(IReadOnlyList<>) || generic == typeof(IList<>) || generic == typeof(List<>))
            ? type.GetGenericArguments()[0]
            : null;

    /// <summary>A default as YAML would write it: <c>4096</c>, <c>cl100k_base</c>, <c>[en, zh]</c>, <c>none</c>.</summary>
    private static string ShowDefault(JsonNode? value) => value switch
    {
        null => "none",
        JsonValue scalar when scalar.TryGetValue<string>(out var text) => text.Length == 0 ? "\"\"" : text,
        JsonValue scalar when scalar.TryGetValue<double>(out var number) => number.ToString(CultureInfo.InvariantCulture),
        JsonArray list => $"[{string.Join(", ", list.Select(ShowDefault))}]",
        JsonObject mapping => mapping.Count == 0 ? "{}" : $"{{{string.Join(", ", mapping.Select(pair => $"{pair.Key}: {ShowDefault(pair.Value)}"))}}}",
        _ => value.ToJsonString(DataForgeJson.Compact),
    };
}
