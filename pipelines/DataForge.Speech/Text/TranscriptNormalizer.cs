using System.Text;
using System.Text.RegularExpressions;

namespace DataForge.Speech.Text;

/// <summary>A normalised transcript and the annotation tags taken out of it (kept in meta).</summary>
public sealed record NormalizedTranscript(string Text, IReadOnlyList<string> Tags);

/// <summary>
/// Transcript clean-up that keeps what was said: Unicode NFKC (full-width ASCII becomes ASCII), one form per
/// punctuation mark (Chinese marks in Chinese text, ASCII in other text, curly quotes and dashes unified),
/// annotation tags such as <c>[noise]</c>, <c>&lt;unk&gt;</c> or <c>(laughter)</c> removed and reported, whitespace collapsed.
/// Characters are never mapped between Traditional and Simplified here: dialect text keeps its characters.
/// </summary>
public static partial class TranscriptNormalizer
{
    public static NormalizedTranscript Normalize(string text)
    {
        var tags = new List<string>();
        var normalized = text.Normalize(NormalizationForm.FormKC);
        normalized = TagPattern().Replace(normalized, match =>
        {
            tags.Add(match.Value.Trim('[', ']', '<', '>', '(', ')', '{', '}').Trim().ToLowerInvariant());
            return " ";
        });
        normalized = normalized
            .Replace('\u2018', '\'').Replace('\u2019', '\'').Replace('\u201C', '"').Replace('\u201D', '"')
            .Replace('\u300C', '"').Replace('\u300D', '"').Replace('\u300E', '"').Replace('\u300F', '"')
            .Replace('\u2013', '-').Replace('\u2014', '-');
        normalized = WhitespacePattern().Replace(normalized, " ").Trim();
        if (HasHan(normalized))
        {
            normalized = ToChinesePunctuation(normalized);
        }

        return new NormalizedTranscript(normalized, tags);
    }

    /// <summary>Han characters (CJK unified ideographs and extensions): decides which punctuation a text uses.</summary>
    public static bool HasHan(string text)
    {
        foreach (var rune in text.EnumerateRunes())
        {
            if (IsHan(rune))
            {
                return true;
            }
        }

        return false;
    }

    public static bool IsHan(Rune rune) =>
        rune.Value is (>= 0x4E00 and <= 0x9FFF) or (>= 0x3400 and <= 0x4DBF) or (>= 0x20000 and <= 0x3134F) or (>= 0xF900 and <= 0xFAFF);

    /// <summary>ASCII marks next to Han characters become their Chinese forms; spaces between Han characters go.</summary>
    private static string ToChinesePunctuation(string text)
    {
        var runes = text.EnumerateRunes().ToList();
        var output = new StringBuilder(text.Length);
        for (var i = 0; i < runes.Count; i++)
        {
            var rune = runes[i];
            var previousHan = i > 0 && (IsHan(runes[i - 1]) || IsChinesePunctuation(runes[i - 1]));
            var nextHan = i + 1 < runes.Count && IsHan(runes[i + 1]);
            if (previousHan || nextHan)
            {
                var mapped = rune.Value switch
                {
                    ',' => "，",
                    '.' when previousHan => "。",
                    '?' => "？",
                    '!' => "！",
                    ':' => "：",
                    ';' => "；",
                    _ => null,
                };
                if (mapped is not null)
                {
                    output.Append(mapped);
                    continue;
                }
            }

            output.Append(rune.ToString());
        }

        return SpaceBetweenChinese().Replace(output.ToString(), string.Empty);
    }

    private static bool IsChinesePunctuation(Rune rune) => rune.Value is '，' or '。' or '？' or '！' or '：' or '；' or '、';

    /// <summary>Characters (Han, kana, hangul: one each) plus words (runs of letters or digits) — the unit speech rates are counted in.</summary>
    public static (int Characters, int Words) Count(string text)
    {
        int characters = 0, words = 0;
        var inWord = false;
        foreach (var rune in text.EnumerateRunes())
        {
            if (IsHan(rune) || rune.Value is (>= 0x3040 and <= 0x30FF) or (>= 0xAC00 and <= 0xD7AF))
            {
                characters++;
                inWord = false;
            }
            else if (Rune.IsLetterOrDigit(rune))
            {
                if (!inWord)
                {
                    words++;
                }

                inWord = true;
            }
            else
            {
                inWord = false;
            }
        }

        return (characters, words);
    }

    [GeneratedRegex(@"\[[^\[\]]{1,40}\]|<[^<>]{1,40}>|\((?:noise|laugh|laughter|cough|breath|music|silence|unk|inaudible|笑声|噪音|咳嗽|音乐)\)|\{[^{}]{1,40}\}", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex TagPattern();

    [GeneratedRegex(@"(?<=[\p{IsCJKUnifiedIdeographs}，。？！：；、]) (?=[\p{IsCJKUnifiedIdeographs}，。？！：；、])")]
    private static partial Regex SpaceBetweenChinese();

    [GeneratedRegex(@"\s+")]
    private static partial Regex WhitespacePattern();
}
