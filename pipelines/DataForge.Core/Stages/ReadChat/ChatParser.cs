using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using DataForge.Core.Stages.Contract;

namespace DataForge.Core.Stages.ReadChat;

/// <summary>
/// Reads one conversation record in the layouts instruction datasets ship in:
/// <list type="bullet">
/// <item>LLaVA (LLaVA-Instruct-150K): <c>{"id", "image": "a.jpg" | [...], "conversations": [{"from": "human", "value": "&lt;image&gt;\nWhat …"}, {"from": "gpt", …}]}</c>;
/// without any <c>&lt;image&gt;</c> marker the images open the first user turn, as LLaVA's preprocessing puts them.</item>
/// <item>ShareGPT: <c>conversations</c> of <c>from</c>/<c>value</c> (human, gpt, system), an optional top-level
/// <c>system</c>, and LLaMA-Factory's <c>images</c>/<c>audios</c> lists bound to <c>&lt;image&gt;</c>/<c>&lt;audio&gt;</c> markers in order.</item>
/// <item>OpenAI chat: <c>messages</c> of <c>role</c>/<c>content</c>, content a string or a list of parts
/// (<c>text</c>, <c>image_url</c> with a URL or data: URI, <c>input_audio</c> with base64 <c>data</c> and <c>format</c>),
/// and the Hugging Face variant's <c>{"type": "image"}</c> parts bound to a top-level <c>images</c> list.</item>
/// </list>
/// The turns must read as a chat: an optional system turn first, then user and assistant alternating, ending with the
/// assistant. Fields other than the conversation, its media lists, id, split and system go into meta.
/// </summary>
public static class ChatParser
{
    private const string ImageMarker = "<image>";
    private const string AudioMarker = "<audio>";

    private static readonly HashSet<string> Consumed = new(StringComparer.Ordinal) { "conversations", "messages", "image", "images", "audios", "system" };

    public sealed record Outcome(ParsedChat? Chat, RejectReason? Reason, string? Message);

    /// <summary>Marks where a top-level image or audio goes, until the lists are bound.</summary>
    private sealed record Marker(bool IsAudio) : ChatPiece;

    public static Outcome Parse(JsonObject record, string idField, string splitField)
    {
        var turnsNode = record["conversations"] ?? record["messages"];
        if (turnsNode is not JsonArray turnList)
        {
            return Fail(ChatRejectReasons.ChatInvalid, $"no conversations or messages list; the record's fields are {string.Join(", ", record.Select(pair => pair.Key))}");
        }

        var turns = new List<ChatTurn>();
        if (record["system"] is { } system)
        {
            if (Scalar(system) is not { } prompt)
            {
                return Fail(ChatRejectReasons.ChatInvalid, "the system field is not a string");
            }

            turns.Add(new ChatTurn(ChatSpeaker.System, [new ChatText(prompt)]));
        }

        for (var index = 0; index < turnList.Count; index++)
        {
            if (turnList[index] is not JsonObject turn)
            {
                return Fail(ChatRejectReasons.ChatInvalid, $"turn {index} is not an object");
            }

            var who = Scalar(turn["from"] ?? turn["role"]);
            ChatSpeaker? speaker = who switch
            {
                "system" => ChatSpeaker.System,
                "human" or "user" => ChatSpeaker.User,
                "gpt" or "assistant" or "chatgpt" or "model" => ChatSpeaker.Assistant,
                _ => null,
            };
            if (speaker is not { } known)
            {
                return Fail(ChatRejectReasons.ChatUnknownRole, who is null ? $"turn {index} names no speaker (from or role)" : $"turn {index} is spoken by '{who}' (read: system, user/human, assistant/gpt)");
            }

            if (turn.ContainsKey("tool_calls") || turn.ContainsKey("function_call"))
            {
                // The calls would vanish from the text: tool use is not a chat this reader can keep whole.
                return Fail(ChatRejectReasons.ChatUnknownRole, $"turn {index} makes tool calls, which read-chat does not keep (tool and function turns are not read)");
            }

            var (pieces, problem) = Pieces(turn["value"] ?? turn["content"], index);
            if (problem is not null)
            {
                return Fail(ChatRejectReasons.ChatInvalid, problem);
            }

            turns.Add(new ChatTurn(known, pieces!));
        }

        var bound = Bind(turns, MediaList(record["images"] ?? record["image"]), MediaList(record["audios"]));
        if (bound.Reason is not null)
        {
            return bound;
        }

        turns = [.. bound.Chat!.Turns];
        if (Order(turns) is { } order)
        {
            return order;
        }

        var meta = new JsonObject();
        foreach (var (name, value) in record)
        {
            if (!Consumed.Contains(name) && name != idField && name != splitField)
            {
                meta[name] = value?.DeepClone();
            }
        }

        return new Outcome(new ParsedChat(turns, Scalar(record[idField]), Scalar(record[splitField]), meta), null, null);
    }

    private static Outcome Fail(RejectReason reason, string message) => new(null, reason, message);

    /// <summary>A turn's content: a string (cut at its markers) or a list of OpenAI-style parts.</summary>
    private static (List<ChatPiece>? Pieces, string? Problem) Pieces(JsonNode? content, int index)
    {
        var pieces = new List<ChatPiece>();
        switch (content)
        {
            case null:
                return (pieces, null); // an empty turn: rejected once the turns are known
            case JsonValue value when Scalar(value) is { } text:
                Split(text, pieces);
                return (pieces, null);
            case JsonArray parts:
                for (var k = 0; k < parts.Count; k++)
                {
                    if (Part(parts[k], pieces) is { } problem)
                    {
                        return (null, string.Create(CultureInfo.InvariantCulture, $"turn {index}, content part {k}: {problem}"));
                    }
                }

                return (pieces, null);
            default:
                return (null, string.Create(CultureInfo.InvariantCulture, $"turn {index}'s content is neither a string nor a list of parts"));
        }
    }

    /// <summary>Text with <c>&lt;image&gt;</c> and <c>&lt;audio&gt;</c> markers: the text between them is kept exactly.</summary>
    private static void Split(string text, List<ChatPiece> pieces)
    {
        var start = 0;
        while (true)
        {
            var image = text.IndexOf(ImageMarker, start, StringComparison.Ordinal);
            var audio = text.IndexOf(AudioMarker, start, StringComparison.Ordinal);
            var next = image < 0 ? audio : audio < 0 ? image : Math.Min(image, audio);
            if (next < 0)
            {
                AddText(text[start..], pieces);
                return;
            }

            AddText(text[start..next], pieces);
            var isAudio = next == audio;
            pieces.Add(new Marker(isAudio));
            start = next + (isAudio ? AudioMarker.Length : ImageMarker.Length);
        }
    }

    private static void AddText(string text, List<ChatPiece> pieces)
    {
        if (text.Length > 0)
        {
            pieces.Add(new ChatText(text));
        }
    }

    /// <summary>One OpenAI (or Hugging Face) content part; the problem when it is not one that is read.</summary>
    private static string? Part(JsonNode? node, List<ChatPiece> pieces)
    {
        if (node is not JsonObject part)
        {
            return "not an object";
        }

        switch (Scalar(part["type"]))
        {
            case "text":
                if (Scalar(part["text"]) is not { } text)
                {
                    return "a text part without text";
                }

                Split(text, pieces);
                return null;
            case "image_url":
                var url = Scalar(part["image_url"]) ?? Scalar(part["image_url"]?["url"]);
                if (url is null)
                {
                    return "an image_url part without a url";
                }

                pieces.Add(Media(false, url));
                return null;
            case "image":
                // Hugging Face's chat layout: {"type": "image"} takes the next of the record's images; Qwen-VL's names it.
                pieces.Add(Scalar(part["image"] ?? part["url"] ?? part["path"]) is { } named ? Media(false, named) : new Marker(false));
                return null;
            case "audio":
                pieces.Add(Scalar(part["audio"] ?? part["url"] ?? part["path"]) is { } heard ? Media(true, heard) : new Marker(true));
                return null;
            case "input_audio":
                var data = Scalar(part["input_audio"]?["data"]);
                var format = Scalar(part["input_audio"]?["format"]) ?? "wav";
                if (data is null)
                {
                    return "an input_audio part without data";
                }

                byte[] bytes;
                try
                {
                    bytes = Convert.FromBase64String(data);
                }
                catch (FormatException)
                {
                    return "input_audio data is not base64";
                }

                pieces.Add(new ChatMedia(true, $"input_audio ({format}, {bytes.Length} bytes)", bytes));
                return null;
            case var other:
                return $"a part of type '{other ?? "(none)"}' (read: text, image_url, image, input_audio, audio)";
        }
    }

    /// <summary>A named medium: a data: URI is decoded here (RFC 2397); paths and URLs are read later.</summary>
    private static ChatPiece Media(bool isAudio, string reference)
    {
        if (reference.StartsWith("data:", StringComparison.OrdinalIgnoreCase))
        {
            return new ChatMedia(isAudio, "data: URI", Core.Media.DataUri.TryDecode(reference) ?? []);
        }

        return new ChatMedia(isAudio, reference, null);
    }

    private static List<string>? MediaList(JsonNode? node) => node switch
    {
        null => [],
        JsonArray list when list.All(item => Scalar(item) is not null) => [.. list.Select(item => Scalar(item)!)],
        _ when Scalar(node) is { } single => [single],
        _ => null,
    };

    /// <summary>Puts the record's images and audios at their markers; images without any marker open the first user turn.</summary>
    private static Outcome Bind(List<ChatTurn> turns, List<string>? images, List<string>? audios)
    {
        if (images is null || audios is null)
        {
            return Fail(ChatRejectReasons.ChatInvalid, "images and audios must be a path or a list of paths");
        }

        var imageMarkers = turns.Sum(turn => turn.Pieces.Count(piece => piece is Marker { IsAudio: false }));
        var audioMarkers = turns.Sum(turn => turn.Pieces.Count(piece => piece is Marker { IsAudio: true }));
        if (imageMarkers == 0 && images.Count > 0 && turns.FindIndex(turn => turn.Speaker == ChatSpeaker.User) is var first and >= 0)
        {
            turns[first] = turns[first] with { Pieces = [.. images.Select(_ => (ChatPiece)new Marker(false)), .. turns[first].Pieces] };
            imageMarkers = images.Count;
        }

        if (imageMarkers != images.Count || audioMarkers != audios.Count)
        {
            return Fail(ChatRejectReasons.ChatMediaMismatch, string.Create(CultureInfo.InvariantCulture, $"{imageMarkers} {ImageMarker} markers for {images.Count} images, {audioMarkers} {AudioMarker} markers for {audios.Count} audios"));
        }

        int nextImage = 0, nextAudio = 0;
        var bound = turns.Select(turn => turn with
        {
            Pieces = [.. turn.Pieces.Select(piece => piece is Marker marker
                ? Media(marker.IsAudio, marker.IsAudio ? audios[nextAudio++] : images[nextImage++])
                : piece)],
        }).ToList();
        return new Outcome(new ParsedChat(bound, null, null, []), null, null);
    }

    /// <summary>The chat's shape: [system] user assistant (user assistant)…, no empty turn, at least one assistant.</summary>
    private static Outcome? Order(List<ChatTurn> turns)
    {
        for (var index = 0; index < turns.Count; index++)
        {
            if (turns[index].Pieces.All(piece => piece is ChatText { Text: var text } && string.IsNullOrWhiteSpace(text)))
            {
                return Fail(ChatRejectReasons.ChatEmptyTurn, string.Create(CultureInfo.InvariantCulture, $"turn {index} ({Name(turns[index].Speaker)}) holds no text and no media"));
            }
        }

        if (!turns.Exists(turn => turn.Speaker == ChatSpeaker.Assistant))
        {
            return Fail(ChatRejectReasons.ChatNoAssistant, string.Create(CultureInfo.InvariantCulture, $"{turns.Count} turns and none is the assistant's"));
        }

        var position = turns.Count > 0 && turns[0].Speaker == ChatSpeaker.System ? 1 : 0;
        var expected = ChatSpeaker.User;
        for (var index = position; index < turns.Count; index++)
        {
            var speaker = turns[index].Speaker;
            if (speaker != expected)
            {
                var what = speaker == ChatSpeaker.System ? "a system turn after the start" : $"two {Name(speaker)} turns in a row";
                if (index == position && speaker == ChatSpeaker.Assistant)
                {
                    what = "the first turn after the system prompt is the assistant's";
                }

                return Fail(ChatRejectReasons.ChatTurnOrder, string.Create(CultureInfo.InvariantCulture, $"turn {index}: {what} (a chat is [system] then user and assistant in turn)"));
            }

            expected = expected == ChatSpeaker.User ? ChatSpeaker.Assistant : ChatSpeaker.User;
        }

        return turns[^1].Speaker == ChatSpeaker.Assistant
            ? null
            : Fail(ChatRejectReasons.ChatTurnOrder, "the last turn is the user's: no answer follows it");
    }

    private static string Name(ChatSpeaker speaker) => speaker switch
    {
        ChatSpeaker.System => "system",
        ChatSpeaker.User => "user",
        _ => "assistant",
    };

    private static string? Scalar(JsonNode? node) =>
        node is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : null;
}
