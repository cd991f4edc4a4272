using DataForge.Core;
using static DataForge.Packing.Templates.TemplateSegment;

namespace DataForge.Packing.Templates;

/// <summary>
/// The built-in templates, each the segment form of a released model's chat template (tokenizer_config.json's
/// <c>chat_template</c>), checked token for token against Hugging Face's renderer and tokenizer in
/// tests/tokenizer-released/make-chat-expected.mjs. The generation prompt those templates append is not training
/// data and is left out.
/// </summary>
public static class ChatTemplates
{
    /// <summary>ChatML (OpenAI's chat markup, as Qwen uses it): <c>&lt;|im_start|&gt;role\n…&lt;|im_end|&gt;\n</c> per turn.</summary>
    public static readonly ChatTemplate ChatMl = new(
        "chatml",
        [],
        ImTurn("system"),
        ImTurn("user"),
        ImTurn("assistant"));

    /// <summary>Qwen2 / Qwen2-VL (Qwen/Qwen2-7B-Instruct): ChatML, and "You are a helpful assistant." when no system prompt is given.</summary>
    public static readonly ChatTemplate Qwen2 = ChatMl with { Name = "qwen2", DefaultSystem = "You are a helpful assistant." };

    /// <summary>
    /// Qwen3 (Qwen/Qwen3 tokenizer_config.json), without reasoning content: ChatML, and the last assistant turn (the one
    /// after the last user query) opens with an empty think block, <c>&lt;think&gt;\n\n&lt;/think&gt;\n\n</c>, as the
    /// non-thinking mode renders it; the block is the prompt's, not the answer's, so it carries no loss.
    /// </summary>
    public static readonly ChatTemplate Qwen3 = ChatMl with
    {
        Name = "qwen3",
        FinalAssistant = new TurnFormat([Special("<|im_start|>"), Text("assistant\n"), Special("<think>"), Text("\n\n"), Special("</think>"), Text("\n\n")], [Special("<|im_end|>"), Text("\n")]),
    };

    /// <summary>
    /// Llama 3 Instruct (meta-llama/Meta-Llama-3-8B-Instruct): <c>&lt;|begin_of_text|&gt;</c>, then per turn
    /// <c>&lt;|start_header_id|&gt;role&lt;|end_header_id|&gt;\n\n</c> + content (trimmed) + <c>&lt;|eot_id|&gt;</c>.
    /// </summary>
    public static readonly ChatTemplate Llama3 = new(
        "llama3",
        [Special("<|begin_of_text|>")],
        HeaderTurn("system"),
        HeaderTurn("user"),
        HeaderTurn("assistant"),
        Trim: TrimmedTurns.All);

    /// <summary>
    /// Mistral Instruct v0.3 (mistralai/Mistral-7B-Instruct-v0.3, whose tokenizer has [INST] and [/INST] as control
    /// tokens): <c>&lt;s&gt;[INST] user[/INST] assistant&lt;/s&gt;</c>…, the assistant's content trimmed; the system
    /// prompt opens the last user turn, followed by two newlines. (The released template places it only when that user
    /// turn is the conversation's last message, so a finished conversation would lose it; here it never does.)
    /// </summary>
    public static readonly ChatTemplate Mistral = new(
        "mistral",
        [Special("<s>")],
        new TurnFormat([], []),
        new TurnFormat([Special("[INST]"), Text(" ")], [Special("[/INST]")]),
        new TurnFormat([Text(" ")], [Special("</s>")]),
        SystemPlacement: SystemPlacement.LastUserTurn,
        SystemSeparator: "\n\n",
        Trim: TrimmedTurns.Assistant);

    public static IReadOnlyList<ChatTemplate> BuiltIn { get; } = [ChatMl, Qwen2, Qwen3, Llama3, Mistral];

    /// <summary>The names <c>--chat-template</c> takes besides a file.</summary>
    public static string KnownNames => string.Join(", ", BuiltIn.Select(template => template.Name).Append("none"));

    /// <summary>A built-in by name, a template file (.json), or null for <c>none</c>; anything else is a usage error.</summary>
    public static ChatTemplate? Resolve(string nameOrPath, string baseDirectory)
    {
        if (nameOrPath == "none")
        {
            return null;
        }

        if (BuiltIn.FirstOrDefault(template => template.Name == nameOrPath) is { } known)
        {
            return known;
        }

        if (nameOrPath.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
        {
            return ChatTemplateFile.Load(Path.GetFullPath(nameOrPath, baseDirectory));
        }

        throw new UsageException($"unknown chat template '{nameOrPath}' (use {KnownNames}, or a template .json file)");
    }

    private static TurnFormat ImTurn(string role) => new([Special("<|im_start|>"), Text(role + "\n")], [Special("<|im_end|>"), Text("\n")]);

    private static TurnFormat HeaderTurn(string role) => new([Special("<|start_header_id|>"), Text(role), Special("<|end_header_id|>"), Text("\n\n")], [Special("<|eot_id|>")]);
}
