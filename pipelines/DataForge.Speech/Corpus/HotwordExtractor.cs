using System.Text;
using System.Text.RegularExpressions;
using DataForge.Core.Hashing;
using DataForge.Speech.Text;

namespace DataForge.Speech.Corpus;

/// <summary>
/// Hotwords for an utterance's context prompt, from what a user of the model could know before hearing it: terms
/// in the other utterances of the same recording within <see cref="ContextUtterances"/> of it (proper nouns and repeated terms), and a supplied glossary (its terms
/// the utterance or its recording contains, plus a few it does not, as distractors, so the model learns to pick the
/// right one rather than copy the list). The utterance's own transcript is never a source of hotwords: that would
/// teach copying. Order is a seeded shuffle, so a term's position says nothing about whether it is spoken.
/// </summary>
public sealed partial class HotwordExtractor(IReadOnlyList<string> glossary, int maxHotwords, int distractors, long seed)
{
    /// <summary>Characters that begin or end no term (particles, pronouns, numerals' measure words and the like).</summary>
    private const string FunctionCharacters = "的了是在我你他她它们这那有和就不也都一个上下会要说到去来着过吗呢吧啊呀嘅咗喺係唔佢哋咁啲同又但而与及或把被给让很太最都还再";

    /// <summary>
    /// How many utterances on each side of one count as its context: the neighbours a listener has just heard or is
    /// about to. A recording cut into 4 000 utterances made every prompt read all the others (quadratic: 316 s).
    /// </summary>
    public const int ContextUtterances = 32;

    public IReadOnlyList<string> For(IReadOnlyList<string> recordingTexts, int index, string sampleKey)
    {
        var first = Math.Max(0, index - ContextUtterances);
        var last = Math.Min(recordingTexts.Count - 1, index + ContextUtterances);
        var others = Enumerable.Range(first, last - first + 1).Where(position => position != index).Select(position => recordingTexts[position]).ToList();
        var target = recordingTexts[index];
        var found = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var term in FromOtherUtterances(others))
        {
            found.Add(term);
        }

        var glossaryInRecording = glossary.Where(term => target.Contains(term, StringComparison.Ordinal) || others.Any(text => text.Contains(term, StringComparison.Ordinal))).ToList();
        foreach (var term in glossaryInRecording)
        {
            found.Add(term);
        }

        var chosen = found.OrderBy(term => Hashes.Sha256Hex($"{seed}\u001f{sampleKey}\u001f{term}"), StringComparer.Ordinal).Take(maxHotwords).ToList();
        var room = Math.Max(0, maxHotwords - chosen.Count);
        chosen.AddRange(glossary
            .Where(term => !found.Contains(term) && !target.Contains(term, StringComparison.Ordinal))
            .OrderBy(term => Hashes.Sha256Hex($"{seed}\u001fdistractor\u001f{sampleKey}\u001f{term}"), StringComparer.Ordinal)
            .Take(Math.Min(room, distractors)));
        return [.. chosen.OrderBy(term => Hashes.Sha256Hex($"{seed}\u001forder\u001f{sampleKey}\u001f{term}"), StringComparer.Ordinal)];
    }

    /// <summary>
    /// Latin-script proper nouns (capitalised words not opening a sentence, acronyms, words with digits) and Han terms
    /// of 2–4 characters that recur in at least two of the other utterances (the longest form when nested).
    /// </summary>
    public static IEnumerable<string> FromOtherUtterances(IReadOnlyList<string> texts)
    {
        var terms = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var text in texts)
        {
            foreach (Match match in LatinCandidate().Matches(text))
            {
                var opensSentence = match.Index == 0 || SentenceOpening().IsMatch(text[..match.Index]);
                var word = match.Value;
                var acronym = word.Length >= 2 && word.Any(char.IsLetter) && word.All(c => char.IsUpper(c) || char.IsDigit(c));
                var withDigits = word.Any(char.IsDigit) && word.Any(char.IsLetter);
                if (acronym || withDigits || (!opensSentence && char.IsUpper(word[0])))
                {
                    terms.Add(word);
                }
            }
        }

        var documentFrequency = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var text in texts)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var run in HanRuns(text))
            {
                for (var length = 2; length <= 4; length++)
                {
                    for (var start = 0; start + length <= run.Count; start++)
                    {
                        if (FunctionCharacters.Contains(run[start], StringComparison.Ordinal) || FunctionCharacters.Contains(run[start + length - 1], StringComparison.Ordinal))
                        {
                            continue;
                        }

                        seen.Add(string.Concat(run.Skip(start).Take(length)));
                    }
                }
            }

            foreach (var gram in seen)
            {
                documentFrequency[gram] = documentFrequency.GetValueOrDefault(gram) + 1;
            }
        }

        var recurring = documentFrequency.Where(pair => pair.Value >= 2).ToDictionary(pair => pair.Key, pair => pair.Value, StringComparer.Ordinal);
        var containers = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var gram in recurring.Keys)
        {
            // Terms are at most 4 characters, so each has at most a handful of inner terms: indexing them replaces a
            // scan of every other term per term.
            var runes = gram.EnumerateRunes().Select(rune => rune.ToString()).ToList();
            for (var length = 2; length < runes.Count; length++)
            {
                for (var start = 0; start + length <= runes.Count; start++)
                {
                    var inner = string.Concat(runes.Skip(start).Take(length));
                    if (!containers.TryGetValue(inner, out var list))
                    {
                        containers[inner] = list = [];
                    }

                    list.Add(gram);
                }
            }
        }

        foreach (var (gram, frequency) in recurring)
        {
            // A nested term (北京 inside 北京大学) that recurs no more often than its container is the container's part.
            var contained = containers.TryGetValue(gram, out var outer) && outer.Any(other => recurring[other] >= frequency);
            if (!contained)
            {
                terms.Add(gram);
            }
        }

        return terms;
    }

    /// <summary>Runs of Han characters, each as a list of its characters (astral ones are two UTF-16 units).</summary>
    private static IEnumerable<List<string>> HanRuns(string text)
    {
        var run = new List<string>();
        foreach (var rune in text.EnumerateRunes())
        {
            if (TranscriptNormalizer.IsHan(rune))
            {
                run.Add(rune.ToString());
            }
            else if (run.Count > 0)
            {
                yield return run;
                run = [];
            }
        }

        if (run.Count > 0)
        {
            yield return run;
        }
    }

    [GeneratedRegex(@"(?<![A-Za-z0-9\u00C0-\u024F])[A-Za-z0-9\u00C0-\u024F][A-Za-z0-9\u00C0-\u024F'\-]*")]
    private static partial Regex LatinCandidate();

    [GeneratedRegex(@"[.!?。！？]\s*$|^\s*$")]
    private static partial Regex SentenceOpening();
}
