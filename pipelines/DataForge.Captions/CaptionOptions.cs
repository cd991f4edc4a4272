using DataForge.Core.Pipeline;

namespace DataForge.Captions;

/// <summary>Options of the caption stage.</summary>
public sealed record CaptionOptions : IStageOptions
{
    /// <summary>Captioners to run; each caption is labelled with its captioner. <c>template</c> needs nothing outside the process.</summary>
    public IReadOnlyList<string> Captioners { get; init; } = ["template"];

    /// <summary><c>short</c> and/or <c>dense</c>.</summary>
    public IReadOnlyList<string> Kinds { get; init; } = ["short", "dense"];

    /// <summary><c>en</c> and/or <c>zh</c>.</summary>
    public IReadOnlyList<string> Languages { get; init; } = ["en"];

    /// <summary>Captions shorter than this are rejected.</summary>
    public int MinCaptionChars { get; init; } = 10;

    /// <summary>Pass the input samples on (with their images) besides the caption samples.</summary>
    public bool KeepInputs { get; init; } = true;

    /// <summary>Also insert the first kept caption after each image of the input sample (as a context text part).</summary>
    public bool InsertIntoDocuments { get; init; }

    public IEnumerable<string> Validate()
    {
        foreach (var captioner in Captioners)
        {
            if (captioner is not "template")
            {
                yield return $"captioner '{captioner}' is not available (available: template)";
            }
        }

        if (Captioners.Count == 0 || Kinds.Count == 0 || Languages.Count == 0)
        {
            yield return "captioners, kinds and languages must not be empty";
        }

        foreach (var kind in Kinds.Where(kind => kind is not ("short" or "dense")))
        {
            yield return $"kind '{kind}' is not short or dense";
        }

        foreach (var language in Languages.Where(language => language is not ("en" or "zh")))
        {
            yield return $"language '{language}' is not en or zh";
        }
    }
}
