using CsCheck;
using DataForge.Speech.Sources;

namespace DataForge.Speech.Tests;

/// <summary>
/// The speech set's text parsers on arbitrary and mutated input: every row becomes an entry or a problem with a
/// reason, every cue has ordered, finite times, and nothing throws.
/// </summary>
public sealed class ParserPropertyTests
{
    private const string Srt = "1\n00:00:01,000 --> 00:00:02,500\n你好 <i>世界</i>\n\n2\n00:00:03,000 --> 00:00:04,000\nsecond\nline\n";
    private const string Vtt = "WEBVTT\n\nNOTE a note\n\n00:01.000 --> 00:02.000 align:start\n<v Speaker>hello</v>\n\n00:00:03.000 --> 00:00:05.000\nbye\n";
    private const string Tsv = "audio\ttext\tspeaker\tdialect\tstart\tend\na.wav\t你好\ts1\tyue\t1.5\t3\nb.flac\thello\ts2\tcmn\t\t\n";
    private const string Jsonl = "{\"audio\": \"a.wav\", \"text\": \"你好\", \"start\": 1.5, \"end\": 3}\n{\"audio\": \"b.wav\", \"text\": \"x\"}\n";

    /// <summary>Text from a seed document with characters replaced, inserted and deleted, or wholly random text.</summary>
    private static Gen<string> Mutated(string seed) =>
        Gen.OneOf(
            Gen.Char.Array[0, 400].Select(chars => new string(chars)),
            Gen.Select(Gen.Int[0, seed.Length], Gen.Int[0, 20], Gen.String[0, 12], Gen.Int[0, 3]).Array[1, 8].Select(edits =>
            {
                var text = seed;
                foreach (var (at, remove, insert, kind) in edits)
                {
                    var start = Math.Min(at, text.Length);
                    var count = Math.Min(remove, text.Length - start);
                    text = kind switch
                    {
                        0 => text.Remove(start, count),
                        1 => text.Insert(start, insert),
                        2 => text.Remove(start, count).Insert(start, insert),
                        _ => text + text[start..],
                    };
                }

                return text;
            }));

    [Fact]
    public void Subtitles_parse_to_ordered_cues_or_problems_and_never_throw()
    {
        Gen.OneOf(Mutated(Srt), Mutated(Vtt)).Sample(text =>
        {
            var (cues, problems) = SubtitleReader.Parse(text);
            Assert.All(cues, cue => Assert.True(double.IsFinite(cue.Start) && double.IsFinite(cue.End) && cue.Start >= 0 && cue.End > cue.Start, $"cue {cue}"));
            Assert.All(problems, problem => Assert.False(string.IsNullOrWhiteSpace(problem)));
        }, iter: 3000);
    }

    [Fact]
    public void Manifest_rows_become_entries_or_reasons_and_never_throw()
    {
        Gen.OneOf(Mutated(Tsv).Select(t => (t, "m.tsv")), Mutated(Tsv.Replace('\t', ',')).Select(t => (t, "m.csv")), Mutated(Jsonl).Select(t => (t, "m.jsonl"))).Sample(input =>
        {
            var (text, name) = input;
            var rows = ManifestReader.ReadAsync(new StringReader(text), name).ToListAsync().AsTask().GetAwaiter().GetResult();
            foreach (var (entry, problem, line) in rows)
            {
                Assert.True((entry is null) != (problem is null), $"line {line}: exactly one of entry and problem");
                Assert.True(line >= 1);
                if (entry is not null)
                {
                    Assert.False(string.IsNullOrWhiteSpace(entry.Audio));
                    Assert.True(entry.Start is null || double.IsFinite(entry.Start.Value), $"start {entry.Start}");
                    Assert.True(entry.End is null || double.IsFinite(entry.End.Value), $"end {entry.End}");
                }
            }
        }, iter: 3000);
    }
}
