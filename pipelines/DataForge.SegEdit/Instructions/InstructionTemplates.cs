namespace DataForge.SegEdit.Instructions;

/// <summary>
/// Several phrasings per edit and language, so a model learns the edit rather than one sentence. <c>{ref}</c> is the
/// referring expression, <c>{color}</c> the colour name.
/// </summary>
public static class InstructionTemplates
{
    private static readonly Dictionary<(string Op, string Language), string[]> Templates = new()
    {
        [("paint", "en")] =
        [
            "Paint {ref} {color}.",
            "Make {ref} {color}.",
            "Change the colour of {ref} to {color}.",
            "Recolour {ref} {color} and leave everything else as it is.",
            "Turn {ref} {color}.",
        ],
        [("paint", "zh")] =
        [
            "把{ref}涂成{color}。",
            "将{ref}变成{color}。",
            "把{ref}的颜色改成{color}。",
            "请把{ref}染成{color}，其余部分保持不变。",
        ],
        [("remove", "en")] =
        [
            "Remove {ref}.",
            "Erase {ref} from the picture.",
            "Delete {ref} and fill in the background.",
            "Take {ref} out of the image.",
        ],
        [("remove", "zh")] =
        [
            "移除{ref}。",
            "把{ref}从图中删除。",
            "去掉{ref}，并补全背景。",
            "将{ref}从画面中抹去。",
        ],
        [("highlight", "en")] =
        [
            "Highlight {ref} in {color}.",
            "Mark {ref} with a {color} overlay.",
            "Shade {ref} {color} and outline it.",
            "Show where {ref} is by highlighting it in {color}.",
        ],
        [("highlight", "zh")] =
        [
            "用{color}突出显示{ref}。",
            "用{color}标出{ref}。",
            "用{color}覆盖并勾勒出{ref}。",
            "把{ref}用{color}高亮出来。",
        ],
    };

    public static IReadOnlyList<string> Ops => ["paint", "remove", "highlight"];

    public static IReadOnlyList<string> Languages => ["en", "zh"];

    public static int Count(string op, string language) => Templates[(op, language)].Length;

    /// <summary>The instruction, and which phrasing it used (recorded in meta).</summary>
    public static (string Text, int Template) Render(string op, string language, string referring, string? colour, SeededChoice choice, string key)
    {
        var phrasings = Templates[(op, language)];
        var index = choice.Pick(phrasings.Length, $"{key}|{op}|{language}|template");
        return (phrasings[index].Replace("{ref}", referring, StringComparison.Ordinal).Replace("{color}", colour ?? string.Empty, StringComparison.Ordinal), index);
    }
}
