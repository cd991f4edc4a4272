using System.Text.Json;
using DataForge.Core;

namespace DataForge.Packing.Templates;

/// <summary>
/// A chat template written as a file (docs/chat-templates.md): segments are strings (text) or
/// <c>{"special": "&lt;|im_start|&gt;"}</c> (a special token), so a template cannot smuggle a control token in as text.
/// Every field is checked: an unknown one is an error, never ignored.
/// <code>
/// {"name": "my-chat", "begin": [{"special": "&lt;s&gt;"}],
///  "system": {"prefix": [...], "suffix": [...]}, "user": {...}, "assistant": {...},
///  "final_assistant": {...}, "default_system": "...", "system_placement": "own_turn" | "last_user_turn",
///  "system_separator": "\n\n", "trim": "none" | "all" | "assistant"}
/// </code>
/// </summary>
public static class ChatTemplateFile
{
    private static readonly HashSet<string> Fields = new(StringComparer.Ordinal)
    {
        "name", "begin", "system", "user", "assistant", "final_assistant", "default_system", "system_placement", "system_separator", "trim",
    };

    public static ChatTemplate Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new UsageException($"chat template file not found: {path}");
        }

        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(path), new JsonDocumentOptions { AllowDuplicateProperties = false });
            return Read(document.RootElement, path);
        }
        catch (JsonException e)
        {
            throw new UsageException($"{path}: not valid JSON: {e.Message.Split(" LineNumber:", 2)[0]}");
        }
    }

    private static ChatTemplate Read(JsonElement root, string path)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new UsageException($"{path}: a chat template is a JSON object");
        }

        foreach (var field in root.EnumerateObject())
        {
            if (!Fields.Contains(field.Name))
            {
                throw new UsageException($"{path}: unknown field '{field.Name}' (fields: {string.Join(", ", Fields)})");
            }
        }

        string? Text(string name) => root.TryGetProperty(name, out var value)
            ? value.ValueKind == JsonValueKind.String ? value.GetString() : throw new UsageException($"{path}: {name} must be a string")
            : null;

        TurnFormat Turn(string name, bool required)
        {
            if (!root.TryGetProperty(name, out var turn))
            {
                return required ? throw new UsageException($"{path}: no '{name}' turn format") : new TurnFormat([], []);
            }

            if (turn.ValueKind != JsonValueKind.Object || turn.EnumerateObject().Any(field => field.Name is not ("prefix" or "suffix")))
            {
                throw new UsageException($"{path}: {name} must be an object of prefix and suffix");
            }

            return new TurnFormat(
                turn.TryGetProperty("prefix", out var prefix) ? Segments(prefix, $"{name}.prefix", path) : [],
                turn.TryGetProperty("suffix", out var suffix) ? Segments(suffix, $"{name}.suffix", path) : []);
        }

        var placement = Text("system_placement") switch
        {
            null or "own_turn" => SystemPlacement.OwnTurn,
            "last_user_turn" => SystemPlacement.LastUserTurn,
            var other => throw new UsageException($"{path}: system_placement '{other}' (use own_turn or last_user_turn)"),
        };
        var trim = Text("trim") switch
        {
            null or "none" => TrimmedTurns.None,
            "all" => TrimmedTurns.All,
            "assistant" => TrimmedTurns.Assistant,
            var other => throw new UsageException($"{path}: trim '{other}' (use none, all or assistant)"),
        };
        return new ChatTemplate(
            Text("name") ?? Path.GetFileNameWithoutExtension(path),
            root.TryGetProperty("begin", out var begin) ? Segments(begin, "begin", path) : [],
            Turn("system", required: placement == SystemPlacement.OwnTurn),
            Turn("user", required: true),
            Turn("assistant", required: true),
            root.TryGetProperty("final_assistant", out _) ? Turn("final_assistant", required: true) : null,
            Text("default_system"),
            placement,
            Text("system_separator") ?? string.Empty,
            trim);
    }

    private static List<TemplateSegment> Segments(JsonElement list, string name, string path)
    {
        if (list.ValueKind != JsonValueKind.Array)
        {
            throw new UsageException($"{path}: {name} must be a list of strings and {{\"special\": …}} objects");
        }

        var segments = new List<TemplateSegment>();
        foreach (var item in list.EnumerateArray())
        {
            if (item.ValueKind == JsonValueKind.String)
            {
                segments.Add(TemplateSegment.Text(item.GetString()!));
            }
            else if (item.ValueKind == JsonValueKind.Object && item.EnumerateObject().Count() == 1 && item.TryGetProperty("special", out var special) && special.ValueKind == JsonValueKind.String)
            {
                segments.Add(TemplateSegment.Special(special.GetString()!));
            }
            else
            {
                throw new UsageException($"{path}: an item of {name} is neither a string nor {{\"special\": \"…\"}}");
            }
        }

        return segments;
    }
}
