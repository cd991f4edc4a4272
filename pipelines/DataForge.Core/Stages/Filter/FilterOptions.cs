using DataForge.Core.Pipeline;

namespace DataForge.Core.Stages.Filter;

/// <summary>Bounds a sample must meet. Text length counts Unicode scalar values over all text parts.</summary>
public sealed record FilterOptions : IStageOptions
{
    public int MinTextChars { get; init; }

    public int? MaxTextChars { get; init; }

    public int MinWidth { get; init; }

    public int MinHeight { get; init; }

    public int? MaxWidth { get; init; }

    public int? MaxHeight { get; init; }

    /// <summary>Longer side over shorter side; very thin images are banners and separators, not content.</summary>
    public double? MaxAspectRatio { get; init; }

    public IEnumerable<string> Validate()
    {
        if (MinTextChars < 0 || MinWidth < 0 || MinHeight < 0)
        {
            yield return "minimums must not be negative";
        }

        if (MaxTextChars < MinTextChars)
        {
            yield return "max_text_chars is below min_text_chars";
        }

        if (MaxWidth < MinWidth || MaxHeight < MinHeight)
        {
            yield return "a maximum image size is below its minimum";
        }

        if (MaxAspectRatio is < 1)
        {
            yield return "max_aspect_ratio must be at least 1";
        }
    }
}
