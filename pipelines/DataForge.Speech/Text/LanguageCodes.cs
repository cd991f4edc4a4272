namespace DataForge.Speech.Text;

/// <summary>
/// Every living language by ISO 639-3 (eng, jpn), ISO 639-1 (en, ja), ISO 639-2/B (fre, ger), English name, or a
/// BCP-47 tag whose language subtag is one of those (en-US, pt-BR, sr-Latn-RS): the table is Debian iso-codes' copy of
/// SIL's ISO 639-3 tables (languages.tsv, made by tools/make-languages.py, which names its origin and licence). A
/// language resolves to its ISO 639-3 code and names; the Chinese name is the iso-codes zh_CN translation, else the
/// English one. Chinese dialects are <see cref="DialectTaxonomy"/>'s, which is asked first.
/// </summary>
public static class LanguageCodes
{
    private static readonly Lazy<(Dictionary<string, Dialect> ByKey, int Count)> Table = new(Load);

    /// <summary>Languages in the table.</summary>
    public static int Count => Table.Value.Count;

    public static Dialect? Resolve(string label)
    {
        var trimmed = label.Trim();
        if (trimmed.Length == 0)
        {
            return null;
        }

        var table = Table.Value.ByKey;
        if (table.TryGetValue(trimmed.ToLowerInvariant(), out var whole))
        {
            return whole;
        }

        // BCP-47: the first subtag is the language (2 or 3 letters); script, region and variants follow. A Chinese tag
        // with an extended-language subtag (zh-yue) names a dialect: the taxonomy knows it or it is unknown, not "Chinese".
        var subtags = trimmed.Split('-', '_');
        var language = subtags[0];
        if (language.ToLowerInvariant() is "zh" or "zho" or "chi" && subtags.Length > 1 && subtags[1].Length == 3 && subtags[1].All(char.IsAsciiLetter))
        {
            return null;
        }

        return language.Length is 2 or 3 && language.All(char.IsAsciiLetter) && table.TryGetValue(language.ToLowerInvariant(), out var tagged) ? tagged : null;
    }

    private static (Dictionary<string, Dialect>, int) Load()
    {
        using var stream = typeof(LanguageCodes).Assembly.GetManifestResourceStream("DataForge.Speech.Text.languages.tsv")
            ?? throw new InvalidOperationException("the ISO 639 table (languages.tsv) is not embedded in DataForge.Speech");
        using var reader = new StreamReader(stream);
        var rows = new List<(string[] Fields, Dialect Language)>();
        while (reader.ReadLine() is { } line)
        {
            var fields = line.Split('\t');
            rows.Add((fields, new Dialect(fields[0], fields[3], fields[4].Length > 0 ? fields[4] : fields[3])));
        }

        // Codes first, names after: a language named "En" (enc) must not take "en", English's ISO 639-1 code.
        var byKey = new Dictionary<string, Dialect>(StringComparer.Ordinal);
        foreach (var column in new[] { 0, 1, 2, 3 })
        {
            foreach (var (fields, language) in rows.Where(row => row.Fields[column].Length > 0))
            {
                byKey.TryAdd(fields[column].ToLowerInvariant(), language);
            }
        }

        return (byKey, rows.Count);
    }
}
