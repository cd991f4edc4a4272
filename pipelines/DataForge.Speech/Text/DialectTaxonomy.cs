using System.Text;

namespace DataForge.Speech.Text;

/// <summary>A dialect DataForge knows: its code (ISO 639-3, or cmn-&lt;region&gt; for regional Mandarin) and names.</summary>
public sealed record Dialect(string Code, string English, string Chinese);

/// <summary>
/// One code list for the labels people write: English names ("Cantonese", "Hokkien"), Chinese names ("粤语", "闽南话"),
/// ISO 639-3 codes, BCP-47 tags ("zh-yue", "yue-Hant-HK", "nan-TW") and regional Mandarin ("Sichuanese" → cmn-sichuan).
/// Labels are compared case-, space-, hyphen- and underscore-insensitively. An unknown label is null: a reject, never a
/// guess.
/// </summary>
public static class DialectTaxonomy
{
    public static readonly IReadOnlyList<Dialect> All =
    [
        new("cmn", "Mandarin", "普通话"),
        new("yue", "Cantonese", "粤语"),
        new("nan", "Min Nan", "闽南语"),
        new("hak", "Hakka", "客家话"),
        new("wuu", "Wu", "吴语"),
        new("hsn", "Xiang (Hunanese)", "湘语"),
        new("gan", "Gan", "赣语"),
        new("cjy", "Jin", "晋语"),
        new("cdo", "Min Dong", "闽东语"),
        new("cpx", "Pu-Xian Min", "莆仙话"),
        new("mnp", "Min Bei", "闽北语"),
        new("czh", "Hui", "徽语"),
        new("cmn-sichuan", "Sichuanese Mandarin", "四川话"),
        new("cmn-northeast", "Northeastern Mandarin", "东北话"),
        new("cmn-henan", "Henan Mandarin (Zhongyuan)", "河南话"),
        new("cmn-shaanxi", "Shaanxi Mandarin (Guanzhong)", "陕西话"),
        new("cmn-shandong", "Shandong Mandarin (Jilu/Jiaoliao)", "山东话"),
        new("cmn-tianjin", "Tianjin Mandarin", "天津话"),
        new("cmn-wuhan", "Wuhan Mandarin (Southwestern)", "武汉话"),
        new("cmn-yunnan", "Yunnan Mandarin (Southwestern)", "云南话"),
        new("cmn-guizhou", "Guizhou Mandarin (Southwestern)", "贵州话"),
        new("cmn-gansu", "Gansu Mandarin (Lanyin)", "甘肃话"),
        new("cmn-nanjing", "Nanjing Mandarin (Jianghuai)", "南京话"),
        new("cmn-beijing", "Beijing Mandarin", "北京话"),
    ];

    private static readonly Dictionary<string, string> Aliases = BuildAliases();

    /// <summary>
    /// The Chinese dialect a label means, else the language it names (<see cref="LanguageCodes"/>: en, eng, en-US,
    /// ja, …), or null when it is neither.
    /// </summary>
    public static Dialect? Resolve(string label) => ResolveDialect(label) ?? LanguageCodes.Resolve(label);

    private static Dialect? ResolveDialect(string label)
    {
        var key = Key(label);
        if (key.Length == 0)
        {
            return null;
        }

        if (Aliases.TryGetValue(key, out var code))
        {
            return All.First(dialect => dialect.Code == code);
        }

        // BCP-47: zh-yue, yue-HK, yue-Hant-HK, nan-TW, hak-Latn: the language subtag (or the extlang after zh) decides.
        var subtags = label.Trim().Split('-', '_');
        if (subtags.Length > 1)
        {
            var language = subtags[0].ToLowerInvariant() is "zh" or "zho" or "chi" && subtags[1].Length == 3 ? subtags[1] : subtags[0];
            if (Aliases.TryGetValue(Key(language), out var tagged) && !tagged.Contains('-', StringComparison.Ordinal))
            {
                return All.First(dialect => dialect.Code == tagged);
            }
        }

        return null;
    }

    private static string Key(string label)
    {
        var text = new StringBuilder(label.Length);
        foreach (var c in label.Normalize(NormalizationForm.FormKC).ToLowerInvariant())
        {
            if (!char.IsWhiteSpace(c) && c is not ('-' or '_' or '(' or ')' or '.'))
            {
                text.Append(c);
            }
        }

        return text.ToString();
    }

    private static Dictionary<string, string> BuildAliases()
    {
        var aliases = new Dictionary<string, string>(StringComparer.Ordinal);
        void Add(string code, params string[] names)
        {
            foreach (var name in names)
            {
                aliases[Key(name)] = code;
            }
        }

        foreach (var dialect in All)
        {
            Add(dialect.Code, dialect.Code, dialect.English, dialect.Chinese);
        }

        Add("cmn", "Mandarin Chinese", "Putonghua", "Standard Chinese", "Guoyu", "zh", "zh-CN", "zh-Hans", "zh-cmn", "cmn-Hans", "cmn-CN", "zho", "chi", "国语", "普通話", "國語", "华语", "官话");
        Add("yue", "Yue", "Guangdong", "Cantonese Chinese", "zh-HK", "zh-yue", "廣東話", "广东话", "粵語", "白话");
        Add("nan", "Minnan", "Southern Min", "Hokkien", "Taiwanese", "Taiwanese Hokkien", "Teochew", "Chaozhou", "Amoy", "闽南话", "閩南語", "閩南話", "台语", "台語", "潮州话", "福建话");
        Add("hak", "Hakka Chinese", "Kejia", "客家語", "客語", "客家话");
        Add("wuu", "Wu Chinese", "Shanghainese", "Suzhounese", "Wenzhounese", "吴语", "吳語", "上海话", "上海話", "苏州话");
        Add("hsn", "Xiang", "Hunanese", "Hunan", "Changsha", "湘語", "湖南话", "长沙话");
        Add("gan", "Gan Chinese", "Jiangxi", "Nanchang", "贛語", "江西话", "南昌话");
        Add("cjy", "Jin Chinese", "Shanxi", "Taiyuan", "晉語", "山西话");
        Add("cdo", "Eastern Min", "Mindong", "Fuzhou", "Fuzhounese", "Foochow", "閩東語", "福州话", "福州話");
        Add("cpx", "Puxian", "Hinghwa", "Putian", "莆田话");
        Add("mnp", "Northern Min", "Minbei", "Jian'ou", "閩北語");
        Add("czh", "Huizhou", "Hui Chinese", "徽州话");
        Add("cmn-sichuan", "Sichuanese", "Sichuan", "Chengdu", "Chongqing", "Sichuan dialect", "四川話", "成都话", "重庆话", "川话");
        Add("cmn-northeast", "Northeastern", "Dongbei", "Northeast", "Dongbeihua", "东北話", "東北話");
        Add("cmn-henan", "Henanese", "Henan", "Zhongyuan", "河南話");
        Add("cmn-shaanxi", "Shaanxi", "Xi'an", "Guanzhong", "陕西話", "西安话");
        Add("cmn-shandong", "Shandong", "Jinan", "Qingdao", "山东話", "山東話");
        Add("cmn-tianjin", "Tianjin", "Tianjinese", "天津話");
        Add("cmn-wuhan", "Wuhan", "Hubei", "武汉話", "湖北话");
        Add("cmn-yunnan", "Yunnan", "Kunming", "云南話", "雲南話");
        Add("cmn-guizhou", "Guizhou", "Guiyang", "贵州話");
        Add("cmn-gansu", "Gansu", "Lanzhou", "甘肃話");
        Add("cmn-nanjing", "Nanjing", "Jianghuai", "南京話");
        Add("cmn-beijing", "Beijing", "Pekingese", "北京話");
        return aliases;
    }

    /// <summary>The ISO 639-3 language of a code (cmn-sichuan → cmn), for tools that know only languages.</summary>
    public static string Language(string code) => code.Split('-')[0];
}
