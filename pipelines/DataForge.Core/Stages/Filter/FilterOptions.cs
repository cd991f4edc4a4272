using DataForge.Core.Pipeline;
using DataForge.Core.Stages.Contract;

namespace DataForge.Core.Stages.Filter;

/// <summary>Bounds a sample must meet. Text length counts Unicode scalar values over all text parts.</summary>
public sealed record FilterOptions : IStageOptions
{
    [Option("Samples with text parts holding fewer characters (Unicode scalars, all text parts) are rejected (text.too_short).")]
    public int MinTextChars { get; init; }

    [Option("Samples with more characters of text are rejected (text.too_long); none: no bound.")]
    public int? MaxTextChars { get; init; }

    [Option("Samples with an image narrower than this many pixels are rejected (image.too_small).")]
    public int MinWidth { get; init; }

    [Option("Samples with an image lower than this many pixels are rejected (image.too_small).")]
    public int MinHeight { get; init; }

    [Option("Samples with an image wider than this are rejected (image.too_large); none: no bound.")]
    public int? MaxWidth { get; init; }

    [Option("Samples with an image taller than this are rejected (image.too_large); none: no bound.")]
    public int? MaxHeight { get; init; }

    [Option("Longer side over shorter side; very thin images are banners and separators, not content.")]
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
