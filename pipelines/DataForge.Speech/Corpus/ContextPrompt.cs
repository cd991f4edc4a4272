using DataForge.Speech.Text;

namespace DataForge.Speech.Corpus;

/// <summary>
/// The text an utterance's audio is conditioned on: the task, the dialect, the domain and the hotwords, in Chinese or
/// English. Parts the input does not give are left out rather than filled with guesses.
/// </summary>
public static class ContextPrompt
{
    /// <summary>Common domain names in Chinese prompts; others are stated as the input spells them.</summary>
    private static readonly Dictionary<string, string> DomainsZh = new(StringComparer.Ordinal)
    {
        ["weather"] = "天气",
        ["navigation"] = "导航",
        ["finance"] = "金融",
        ["medical"] = "医疗",
        ["food"] = "餐饮",
        ["greeting"] = "问候",
        ["family"] = "家庭",
        ["news"] = "新闻",
        ["sports"] = "体育",
        ["travel"] = "旅游",
        ["education"] = "教育",
        ["law"] = "法律",
        ["technology"] = "科技",
        ["entertainment"] = "娱乐",
        ["customer_service"] = "客服",
        ["meeting"] = "会议",
        ["shopping"] = "购物",
        ["transport"] = "交通",
        ["chat"] = "闲聊",
        ["conversation"] = "对话",
        ["broadcast"] = "广播",
        ["interview"] = "访谈",
    };

    public static string Build(string language, Dialect dialect, string? domain, IReadOnlyList<string> hotwords, bool transcribed)
    {
        // A Chinese dialect is named as one; any other language (ISO 639) as a language.
        var isDialect = DialectTaxonomy.All.Contains(dialect);
        if (language == "en")
        {
            var english = new List<string>
            {
                transcribed ? $"Task: transcribe the {dialect.English} speech verbatim{(isDialect ? ", in its own characters" : string.Empty)}." : $"Task: {dialect.English} speech.",
                $"{(isDialect ? "Dialect" : "Language")}: {dialect.English} ({dialect.Code}).",
            };
            if (!string.IsNullOrWhiteSpace(domain))
            {
                english.Add($"Domain: {domain}.");
            }

            if (hotwords.Count > 0)
            {
                english.Add($"Hotwords: {string.Join(", ", hotwords)}.");
            }

            return string.Join(' ', english);
        }

        var chinese = new List<string>
        {
            transcribed ? $"任务：语音识别，按原话转写这段{dialect.Chinese}语音{(isDialect ? "，保留方言用字" : string.Empty)}。" : $"任务：{dialect.Chinese}语音。",
            $"{(isDialect ? "方言" : "语言")}：{dialect.Chinese}（{dialect.Code}）。",
        };
        if (!string.IsNullOrWhiteSpace(domain))
        {
            chinese.Add($"领域：{DomainsZh.GetValueOrDefault(domain.Trim().ToLowerInvariant(), domain.Trim())}。");
        }

        if (hotwords.Count > 0)
        {
            chinese.Add($"热词：{string.Join('、', hotwords)}。");
        }

        return string.Concat(chinese);
    }
}
