using System.Globalization;
using DataForge.Core.Model;
using DataForge.Core.Pipeline;
using DataForge.Core.Rejects;
using DataForge.Core.Stages.Contract;

namespace DataForge.Core.Stages.Filter;

/// <summary>Drops samples outside the configured text and image bounds, each with a reject naming the bound.</summary>
public sealed class FilterStage(FilterOptions options) : SampleFilter
{
    public static readonly StageDefinition Definition =
        new StageDefinition<FilterOptions>("filter", "reject samples outside text length and image size bounds", options => new FilterStage(options),
            [CoreRejectReasons.TextTooShort, CoreRejectReasons.TextTooLong, CoreRejectReasons.ImageTooSmall, CoreRejectReasons.ImageTooLarge, CoreRejectReasons.ImageAspectRatio]);

    protected override Rejection? Judge(Sample sample) =>
        Check(sample) is { } problem ? new Rejection(sample.Id, problem.Reason, problem.Message) : null;

    /// <summary>The first bound the sample breaks, or null when it passes.</summary>
    public (string Reason, string Message)? Check(Sample sample)
    {
        var textParts = sample.Parts.OfType<TextPart>().ToList();
        // Text bounds judge samples that have text; an uncaptioned image is not "too short".
        if (textParts.Count > 0)
        {
            var chars = SampleMeasures.TextCharacters(textParts);
            if (chars < options.MinTextChars)
            {
                return (CoreRejectReasons.TextTooShort, Invariant($"{chars} characters of text, fewer than min_text_chars {options.MinTextChars}"));
            }

            if (chars > options.MaxTextChars)
            {
                return (CoreRejectReasons.TextTooLong, Invariant($"{chars} characters of text, more than max_text_chars {options.MaxTextChars}"));
            }
        }

        foreach (var image in sample.Parts.OfType<ImagePart>())
        {
            if (image.Width < options.MinWidth || image.Height < options.MinHeight)
            {
                return (CoreRejectReasons.ImageTooSmall, Invariant($"image {image.Width}x{image.Height} is below {options.MinWidth}x{options.MinHeight}"));
            }

            if (image.Width > options.MaxWidth || image.Height > options.MaxHeight)
            {
                return (CoreRejectReasons.ImageTooLarge, Invariant($"image {image.Width}x{image.Height} exceeds {options.MaxWidth}x{options.MaxHeight}"));
            }

            var aspect = SampleMeasures.AspectRatio(image.Width, image.Height);
            if (aspect > options.MaxAspectRatio)
            {
                return (CoreRejectReasons.ImageAspectRatio, Invariant($"image {image.Width}x{image.Height} has aspect ratio {aspect:0.##}, above {options.MaxAspectRatio}"));
            }
        }

        return null;
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
