using System.Text.RegularExpressions;

namespace DataForge.Captions;

/// <summary>
/// Quality checks every caption passes before it is kept, whatever wrote it: a reason code for the first check
/// that fails, or null.
/// </summary>
public static partial class CaptionFilters
{
    public static (string Reason, string Message)? Check(string caption, string language, int minChars)
    {
        var text = caption.Trim();
        if (text.Length == 0)
        {
            return (CaptionRejectReasons.CaptionEmpty, "the caption is empty");
        }

        if (text.Length < minChars)
        {
            return (CaptionRejectReasons.CaptionTooShort, $"{text.Length} characters, fewer than {minChars}");
        }

        if (Refusal().IsMatch(text))
        {
            return (CaptionRejectReasons.CaptionRefusal, "the captioner declined instead of describing");
        }

        if (RepeatedPhrase(text) is { } phrase)
        {
            return (CaptionRejectReasons.CaptionRepetitive, $"'{phrase}' repeats three times or more");
        }

        var letters = text.Count(char.IsLetter);
        var cjk = text.Count(c => c is >= '\u4e00' and <= '\u9fff' or >= '\u3400' and <= '\u4dbf');
        var cjkShare = letters == 0 ? 0 : (double)cjk / letters;
        if ((language == "zh" && cjkShare < 0.3) || (language == "en" && cjkShare > 0.2))
        {
            return (CaptionRejectReasons.CaptionWrongLanguage, $"expected {language}, {cjkShare:P0} of the letters are Chinese");
        }

        return null;
    }

    /// <summary>A three-word phrase (or six-character run for text without spaces) that occurs three times or more.</summary>
    private static string? RepeatedPhrase(string text)
    {
        var words = text.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var units = words.Length >= 6
            ? Enumerable.Range(0, words.Length - 2).Select(i => string.Join(' ', words[i..(i + 3)]).ToLowerInvariant())
            : Enumerable.Range(0, Math.Max(0, text.Length - 5)).Select(i => text.Substring(i, 6));
        return units.GroupBy(unit => unit, StringComparer.Ordinal).FirstOrDefault(group => group.Count() >= 3)?.Key;
    }

    [GeneratedRegex(@"^\s*(I'?m sorry|I am sorry|I cannot|I can't|I can not|As an AI|I'm unable|I am unable|Sorry, I|抱歉|对不起|我无法|我不能)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Refusal();
}
