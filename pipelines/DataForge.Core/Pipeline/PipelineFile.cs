using System.Globalization;
using System.Text.Json.Nodes;
using DataForge.Core.Stages.Contract;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace DataForge.Core.Pipeline;

/// <summary>
/// Reads pipeline YAML into a <see cref="PipelineSpec"/>. Parsed through the node model, not a deserializer, so
/// every error names the line and column the user must fix.
/// </summary>
public static class PipelineFile
{
    private static readonly HashSet<string> KnownKeys = ["name", "inputs", "output", "stages", "tasks"];

    public static PipelineSpec Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new UsageException($"pipeline file not found: {path}");
        }

        return Parse(File.ReadAllText(path), path, Path.GetDirectoryName(Path.GetFullPath(path))!);
    }

    public static PipelineSpec Parse(string yaml, string fileName, string baseDirectory)
    {
        var stream = LoadYaml(yaml, fileName);

        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            throw new UsageException($"{fileName}: a pipeline file is a mapping with 'inputs', 'output' and 'stages'");
        }

        foreach (var key in root.Children.Keys)
        {
            var name = Scalar(key, fileName, "key");
            if (!KnownKeys.Contains(name))
            {
                throw Error(key, fileName, $"unknown key '{name}'{NearestName.Hint(name, KnownKeys)} (expected one of: {string.Join(", ", KnownKeys.Order(StringComparer.Ordinal))})");
            }
        }

        var pipelineName = Optional(root, "name") is { } nameNode ? Scalar(nameNode, fileName, "name") : Path.GetFileNameWithoutExtension(fileName);
        var inputs = Optional(root, "inputs") switch
        {
            null => [],
            YamlSequenceNode sequence => sequence.Children.Select(node => Scalar(node, fileName, "input")).ToList(),
            YamlScalarNode scalar => [scalar.Value ?? string.Empty],
            var other => throw Error(other, fileName, "'inputs' must be a list of paths or URIs"),
        };
        var output = Optional(root, "output") is { } outputNode
            ? Scalar(outputNode, fileName, "output")
            : throw new UsageException($"{fileName}: missing 'output' (the folder or URI the run writes)");
        var tasks = 1;
        if (Optional(root, "tasks") is { } tasksNode)
        {
            var text = Scalar(tasksNode, fileName, "tasks");
            if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out tasks) || tasks is < 1 or > PipelineSpec.MaxTasks)
            {
                throw Error(tasksNode, fileName, $"'tasks' must be an integer 1..{PipelineSpec.MaxTasks}, not '{text}'");
            }
        }

        var stagesNode = Optional(root, "stages") as YamlSequenceNode
            ?? throw new UsageException($"{fileName}: missing 'stages' (a list of stage names, each optionally with its options)");
        var stages = stagesNode.Children.Select(node => ParseStage(node, fileName)).ToList();
        if (stages.Count == 0)
        {
            throw Error(stagesNode, fileName, "'stages' is empty");
        }

        return new PipelineSpec(pipelineName, inputs, output, stages, tasks, baseDirectory);
    }

    /// <summary>A YAML mapping of stage options (the <c>--config FILE</c> of stage commands) as JSON.</summary>
    public static JsonObject ParseOptions(string yaml, string fileName)
    {
        var stream = LoadYaml(yaml, fileName);

        return stream.Documents.Count == 0 ? []
            : stream.Documents[0].RootNode is YamlMappingNode mapping ? (JsonObject)ToJson(mapping, fileName)!
            : throw new UsageException($"{fileName}: options must be a mapping of option names to values");
    }

    private static StageSpec ParseStage(YamlNode node, string fileName)
    {
        var location = new SourceLocation(fileName, node.Start.Line, node.Start.Column);
        switch (node)
        {
            case YamlScalarNode scalar:
                return new StageSpec(scalar.Value ?? string.Empty, [], location);
            case YamlMappingNode mapping when mapping.Children.Count == 1:
                var (key, value) = mapping.Children.First();
                var name = Scalar(key, fileName, "stage name");
                var options = value switch
                {
                    YamlMappingNode optionsNode => (JsonObject)ToJson(optionsNode, fileName)!,
                    YamlScalarNode { Value: null or "" or "~" or "null" } => new JsonObject(),
                    _ => throw Error(value, fileName, $"the options of stage '{name}' must be a mapping"),
                };
                return new StageSpec(name, options, location);
            default:
                throw Error(node, fileName, "a stage is a name ('- write') or a name with options ('- filter: {min_width: 64}')");
        }
    }

    /// <summary>Parsed YAML, or a UsageException naming the file for anything the YAML library refuses.</summary>
    private static YamlStream LoadYaml(string yaml, string fileName)
    {
        var stream = new YamlStream();
        try
        {
            YamlBounds.Check(yaml, fileName);
            stream.Load(new StringReader(yaml));
            return stream;
        }
        catch (YamlException e)
        {
            throw new UsageException($"{fileName}:{e.Start.Line}:{e.Start.Column}: invalid YAML: {Innermost(e).Message}", e);
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException)
        {
            // YamlDotNet's loader also fails this way on some malformed input (unclosed flow collections, bad global
            // tags, stray events): found by ParserFuzzTests.
            throw new UsageException($"{fileName}: invalid YAML ({e.Message})", e);
        }
    }

    /// <summary>YAML to JSON with YAML 1.2 core-schema typing of plain scalars; quoted scalars stay strings.</summary>
    internal static JsonNode? ToJson(YamlNode node, string fileName = "pipeline file") => node switch
    {
        YamlMappingNode mapping => MappingToJson(mapping, fileName),
        YamlSequenceNode sequence => new JsonArray([.. sequence.Children.Select(child => ToJson(child, fileName))]),
        YamlScalarNode scalar => ScalarToJson(scalar),
        _ => null,
    };

    /// <summary>A mapping whose keys are plain values, each once (JSON objects allow nothing else).</summary>
    private static JsonObject MappingToJson(YamlMappingNode mapping, string fileName)
    {
        var json = new JsonObject();
        foreach (var (key, value) in mapping.Children)
        {
            var name = Scalar(key, fileName, "an option name");
            if (json.ContainsKey(name))
            {
                throw Error(key, fileName, $"option '{name}' is given twice");
            }

            json[name] = ToJson(value, fileName);
        }

        return json;
    }

    private static JsonNode? ScalarToJson(YamlScalarNode scalar)
    {
        var value = scalar.Value ?? string.Empty;
        if (scalar.Style is not ScalarStyle.Plain)
        {
            return JsonValue.Create(value);
        }

        return value switch
        {
            "" or "~" or "null" or "Null" or "NULL" => null,
            "true" or "True" or "TRUE" => JsonValue.Create(true),
            "false" or "False" or "FALSE" => JsonValue.Create(false),
            _ when long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer) => JsonValue.Create(integer),
            // 1e400 parses as infinity, which no option means and JSON cannot hold: it stays text, so the option's
            // type check names it.
            _ when double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var real) && double.IsFinite(real) => JsonValue.Create(real),
            _ => JsonValue.Create(value),
        };
    }

    private static YamlNode? Optional(YamlMappingNode mapping, string key) =>
        mapping.Children.TryGetValue(new YamlScalarNode(key), out var value) ? value : null;

    private static string Scalar(YamlNode node, string fileName, string what) =>
        node is YamlScalarNode { Value: { } value } ? value : throw Error(node, fileName, $"{what} must be a plain value");

    private static UsageException Error(YamlNode node, string fileName, string message) =>
        new($"{fileName}:{node.Start.Line}:{node.Start.Column}: {message}");

    private static Exception Innermost(Exception e) => e.InnerException is null ? e : Innermost(e.InnerException);
}
