using System.Globalization;
using System.Text;

namespace DataForge.Captions.Template;

/// <summary>What the pipeline already knows about an image besides its pixels.</summary>
public sealed record ImageContext(string? AltText, string? NearbyText, IReadOnlyList<string> Categories);

/// <summary>
/// The embedded captioner: a deterministic description built from the image analysis and what the pipeline knows
/// (alt text, nearby caption, annotation categories). Short and dense variants, English and Chinese.
/// </summary>
public static class TemplateCaptioner
{
    public const string Model = "template-v1";

    /// <summary>Colours covering at least this share of the image are named.</summary>
    private const double NamedShare = 0.1;

    public static string Caption(ImageAnalysis analysis, ImageContext context, string kind, string language) => (kind, language) switch
    {
        ("short", "en") => ShortEnglish(analysis, context),
        ("dense", "en") => DenseEnglish(analysis, context),
        ("short", "zh") => ShortChinese(analysis, context),
        ("dense", "zh") => DenseChinese(analysis, context),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), $"{kind}/{language}", "kinds are short and dense, languages en and zh"),
    };

    /// <summary>
    /// The rule-based fusion of an alt text and the image analysis (VeCap without a language model): the alt text's
    /// facts first, verbatim, then the visual detail it lacks.
    /// </summary>
    public static string Fuse(ImageAnalysis analysis, string altText, string language)
    {
        var alt = altText.Trim().TrimEnd('.', '。');
        return language == "zh"
            ? $"{alt}，一张以{string.Join("和", Named(analysis).Select(colour => colour.Chinese))}为主的{OrientationChinese(analysis)}图片。"
            : $"{char.ToUpperInvariant(alt[0])}{alt[1..]}, in a {analysis.Orientation} image mostly in {JoinEnglish(Named(analysis).Select(colour => colour.English))}.";
    }

    /// <summary>A clip's caption: its length, shape, main colours, motion, a cut, sound (short and dense, en and zh).</summary>
    public static string Caption(ClipAnalysis clip, string kind, string language)
    {
        var invariant = CultureInfo.InvariantCulture;
        var named = clip.Colours.Where(colour => colour.Share >= NamedShare).Take(3).ToList();
        named = named.Count > 0 ? named : [.. clip.Colours.Take(1)];
        var seconds = Math.Round(clip.Seconds, 1).ToString("0.#", invariant);
        return (kind, language) switch
        {
            ("short", "en") => $"A {seconds}-second {clip.Orientation} video clip in {JoinEnglish(named.Select(colour => colour.English))}, with {clip.MotionEnglish}.",
            ("dense", "en") => string.Create(invariant, $"A {seconds}-second {clip.Orientation} video clip of {clip.Width}×{clip.Height} frames, mostly {JoinEnglish(named.Select(colour => $"{colour.English} ({colour.Share:P0})"))}, with {clip.MotionEnglish}{(clip.CutSeconds is { } cut ? $"; the shot changes at {cut:0.#} s" : string.Empty)}. {(clip.HasAudio ? "It has sound." : "It is silent.")}"),
            ("short", "zh") => $"一段{seconds}秒的{(clip.Orientation == "portrait" ? "竖屏" : clip.Orientation == "square" ? "方形" : "横屏")}视频，以{string.Join("和", named.Select(colour => colour.Chinese))}为主，{clip.MotionChinese}。",
            ("dense", "zh") => string.Create(invariant, $"一段{seconds}秒、{clip.Width}×{clip.Height}的视频，主要颜色为{string.Join("、", named.Select(colour => $"{colour.Chinese}（{colour.Share:P0}）"))}，{clip.MotionChinese}{(clip.CutSeconds is { } cut ? $"，在{cut:0.#}秒处切换镜头" : string.Empty)}。{(clip.HasAudio ? "有声音。" : "没有声音。")}"),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), $"{kind}/{language}", "kinds are short and dense, languages en and zh"),
        };
    }

    private static List<ColourShare> Named(ImageAnalysis analysis)
    {
        var named = analysis.Colours.Where(colour => colour.Share >= NamedShare).Take(3).ToList();
        return named.Count > 0 ? named : [.. analysis.Colours.Take(1)];
    }

    private static string ShortEnglish(ImageAnalysis analysis, ImageContext context)
    {
        var colours = JoinEnglish(Named(analysis).Select(colour => colour.English));
        var subject = context.Categories.Count > 0 ? $" of {JoinEnglish(context.Categories.Select(Article))}" : string.Empty;
        var alt = string.IsNullOrWhiteSpace(context.AltText) ? string.Empty : $" {Sentence(context.AltText)}";
        return $"A {analysis.Orientation} image{subject} in {colours}.{alt}";
    }

    private static string DenseEnglish(ImageAnalysis analysis, ImageContext context)
    {
        var text = new StringBuilder();
        var invariant = CultureInfo.InvariantCulture;
        text.Append(invariant, $"A {analysis.Width}×{analysis.Height} {analysis.Orientation} image");
        if (context.Categories.Count > 0)
        {
            text.Append(" showing ").Append(JoinEnglish(context.Categories.Select(Article)));
        }

        text.Append(". Its main colours are ")
            .Append(JoinEnglish(Named(analysis).Select(colour => string.Create(invariant, $"{colour.English} ({colour.Share * 100:0}%)"))))
            .Append('.');
        var look = new List<string>();
        if (Brightness(analysis) is { } brightness)
        {
            look.Add(brightness.English);
        }

        look.Add(Colourfulness(analysis).English);
        text.Append(" It looks ").Append(JoinEnglish(look)).Append('.');
        if (!string.IsNullOrWhiteSpace(context.AltText))
        {
            text.Append(" Its alt text reads: ").Append(Quoted(context.AltText));
        }

        if (!string.IsNullOrWhiteSpace(context.NearbyText) && context.NearbyText != context.AltText)
        {
            text.Append(" Nearby text: ").Append(Quoted(context.NearbyText));
        }

        return text.ToString();
    }

    private static string ShortChinese(ImageAnalysis analysis, ImageContext context)
    {
        var colours = string.Join("和", Named(analysis).Select(colour => colour.Chinese));
        var subject = context.Categories.Count > 0 ? $"，画面中有{string.Join("、", context.Categories)}" : string.Empty;
        return $"一张以{colours}为主的{OrientationChinese(analysis)}图片{subject}。";
    }

    private static string DenseChinese(ImageAnalysis analysis, ImageContext context)
    {
        var invariant = CultureInfo.InvariantCulture;
        var text = new StringBuilder();
        text.Append(invariant, $"一张{analysis.Width}×{analysis.Height}的{OrientationChinese(analysis)}图片");
        if (context.Categories.Count > 0)
        {
            text.Append("，画面中有").Append(string.Join("、", context.Categories));
        }

        text.Append("，主要颜色为")
            .Append(string.Join("、", Named(analysis).Select(colour => string.Create(invariant, $"{colour.Chinese}（{colour.Share * 100:0}%）"))))
            .Append('。');
        text.Append("画面").Append(Brightness(analysis)?.Chinese ?? "明暗适中").Append('，').Append(Colourfulness(analysis).Chinese).Append('。');
        if (!string.IsNullOrWhiteSpace(context.AltText))
        {
            text.Append("替代文字为“").Append(context.AltText.Trim()).Append("”。");
        }

        return text.ToString();
    }

    private static (string English, string Chinese)? Brightness(ImageAnalysis analysis) => analysis.Lightness switch
    {
        < 0.4 => ("dark", "偏暗"),
        > 0.8 => ("bright", "明亮"),
        _ => null,
    };

    /// <summary>Hasler and Süsstrunk's scale: below 15 barely colourful, above 59 highly colourful.</summary>
    private static (string English, string Chinese) Colourfulness(ImageAnalysis analysis) => analysis.Colourfulness switch
    {
        < 15 => ("muted", "色彩素淡"),
        < 59 => ("moderately colourful", "色彩适中"),
        _ => ("vivid", "色彩鲜艳"),
    };

    private static string OrientationChinese(ImageAnalysis analysis) => analysis.Orientation switch
    {
        "square" => "方形",
        "landscape" => "横向",
        _ => "竖向",
    };

    /// <summary>A quotation that ends the sentence: no second full stop after one inside the quotes.</summary>
    private static string Quoted(string text)
    {
        var trimmed = text.Trim();
        return trimmed.EndsWith('.') || trimmed.EndsWith('!') || trimmed.EndsWith('?') ? $"\"{trimmed}\"" : $"\"{trimmed}\".";
    }

    private static string Article(string noun) => $"{("aeiou".Contains(char.ToLowerInvariant(noun[0]), StringComparison.Ordinal) ? "an" : "a")} {noun}";

    private static string Sentence(string text)
    {
        var trimmed = text.Trim().TrimEnd('.');
        return trimmed.Length == 0 ? string.Empty : $"{char.ToUpperInvariant(trimmed[0])}{trimmed[1..]}.";
    }

    private static string JoinEnglish(IEnumerable<string> items)
    {
        var list = items.ToList();
        return list.Count switch
        {
            0 => string.Empty,
            1 => list[0],
            _ => $"{string.Join(", ", list.Take(list.Count - 1))} and {list[^1]}",
        };
    }
}
