namespace DataForge.Packing.Templates;

/// <summary>A piece of a chat template: literal text (tokenized as text) or a special token (its id, never text).</summary>
public sealed record TemplateSegment(string Value, bool IsSpecial)
{
    public static TemplateSegment Special(string name) => new(name, true);

    public static TemplateSegment Text(string text) => new(text, false);
}

/// <summary>What wraps one turn: segments before its content and after it.</summary>
public sealed record TurnFormat(IReadOnlyList<TemplateSegment> Prefix, IReadOnlyList<TemplateSegment> Suffix);

/// <summary>Where a template puts the system prompt: a turn of its own, or inside a user turn (Mistral).</summary>
public enum SystemPlacement
{
    OwnTurn,
    LastUserTurn,
}

/// <summary>Whose content a template strips of whitespace at both ends (Jinja's <c>| trim</c>).</summary>
public enum TrimmedTurns
{
    None,
    All,
    Assistant,
}

/// <summary>
/// A chat template as segments, so that turn markers are the tokenizer's special-token ids and never text parsed out
/// of a conversation (a user who types "&lt;|im_end|&gt;" gets those characters' ids). Loss: an assistant turn's
/// content and the special tokens of its suffix (the end-of-turn token); nothing else.
/// </summary>
/// <param name="Begin">Segments at the very start (Llama 3's &lt;|begin_of_text|&gt;, Mistral's &lt;s&gt;).</param>
/// <param name="FinalAssistant">The format of the last assistant turn where it differs (Qwen3's empty think block).</param>
/// <param name="DefaultSystem">The system prompt a conversation without one gets (Qwen2's "You are a helpful assistant.").</param>
/// <param name="Trim">Whose content is stripped of whitespace at both ends (Llama 3: every turn; Mistral: the assistant's).</param>
public sealed record ChatTemplate(
    string Name,
    IReadOnlyList<TemplateSegment> Begin,
    TurnFormat System,
    TurnFormat User,
    TurnFormat Assistant,
    TurnFormat? FinalAssistant = null,
    string? DefaultSystem = null,
    SystemPlacement SystemPlacement = SystemPlacement.OwnTurn,
    string SystemSeparator = "",
    TrimmedTurns Trim = TrimmedTurns.None)
{
    /// <summary>Every special token the template names, in first-use order.</summary>
    public IReadOnlyList<string> SpecialTokens =>
        [.. new[] { Begin, System.Prefix, System.Suffix, User.Prefix, User.Suffix, Assistant.Prefix, Assistant.Suffix, FinalAssistant?.Prefix ?? [], FinalAssistant?.Suffix ?? [] }
            .SelectMany(segments => segments).Where(segment => segment.IsSpecial).Select(segment => segment.Value).Distinct(StringComparer.Ordinal)];
}
