using System.Text;

namespace DataForge.Speech.Text;

/// <summary>
/// Optional Traditional ↔ Simplified character mapping for transcripts, off by default (dialect text such as
/// Cantonese keeps its characters). Character by character from OpenCC's tables (hanzi-variants.tsv, see
/// tools/make-hanzi-variants.mjs); Simplified → Traditional takes the first candidate, so one-to-many characters
/// (发 → 發/髮) follow the common reading, which is why phrase-level conversion is the user's job when it matters.
/// </summary>
public sealed class HanziScript
{
    private readonly Dictionary<int, string> _map;

    private HanziScript(Dictionary<int, string> map) => _map = map;

    public static Func<string, string> For(string script) => script switch
    {
        "simplified" => Load("t2s").Convert,
        "traditional" => Load("s2t").Convert,
        _ => text => text,
    };

    public static HanziScript Load(string direction)
    {
        using var stream = typeof(HanziScript).Assembly.GetManifestResourceStream("DataForge.Speech.Text.hanzi-variants.tsv")
            ?? throw new InvalidOperationException("the hanzi-variants.tsv resource is missing from the build");
        using var reader = new StreamReader(stream);
        var map = new Dictionary<int, string>();
        while (reader.ReadLine() is { } line)
        {
            var fields = line.Split('\t');
            if (fields.Length == 3 && fields[0] == direction)
            {
                map[char.ConvertToUtf32(fields[1], 0)] = fields[2];
            }
        }

        return new HanziScript(map);
    }

    public string Convert(string text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (var rune in text.EnumerateRunes())
        {
            if (_map.TryGetValue(rune.Value, out var mapped))
            {
                builder.Append(mapped);
            }
            else
            {
                builder.Append(rune.ToString());
            }
        }

        return builder.ToString();
    }
}
