using System.Text;
using static DataForge.Packing.Tokenization.UnicodeClasses;

namespace DataForge.Packing.Tokenization;

/// <summary>
/// Splits text into the pieces that the encodings' split regexes produce, as a hand-written scanner over code
/// points. It follows tiktoken's patterns alternative by alternative (leftmost-first, with the regex's greedy and
/// possessive rules worked out), which a .NET Regex cannot do exactly: it matches UTF-16 units, so a letter
/// outside the BMP (𠊎, 𝐀) would not be <c>\p{L}</c>, and its <c>$</c> also matches before a final newline.
/// </summary>
public static class PieceScanner
{
    /// <summary>The length in runes of the piece that starts at <paramref name="start"/>.</summary>
    public static int NextPiece(ReadOnlySpan<Rune> text, int start, PreTokenizerKind kind) => kind switch
    {
        PreTokenizerKind.Cl100k => Cl100k(text, start, maxDigits: 3),
        PreTokenizerKind.Qwen2 => Cl100k(text, start, maxDigits: 1),
        PreTokenizerKind.O200k => O200k(text, start),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    // cl100k_base as the tiktoken package ships it (and Llama-3):
    //   (?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+
    // (Python tiktoken 0.7+ writes it with possessive quantifiers and \s++$; the two differ only for trailing
    // whitespace that holds a newline, and the npm package, our reference, uses this form.)
    private static int Cl100k(ReadOnlySpan<Rune> c, int i, int maxDigits)
    {
        var n = c.Length;
        if (c[i].Value == '\'' && i + 1 < n)
        {
            var a = c[i + 1];
            if (FoldsTo(a, 's') || FoldsTo(a, 'd') || FoldsTo(a, 'm') || FoldsTo(a, 't'))
            {
                return 2;
            }

            if (i + 2 < n && IsTwoLetterContraction(a, c[i + 2]))
            {
                return 3;
            }
        }

        // [^\r\n\p{L}\p{N}]?\p{L}+ : retrying without the prefix cannot help, since a prefix char is not a letter.
        var j = -1;
        if (IsLetter(c[i]))
        {
            j = i;
        }
        else if (IsPrefixChar(c[i]) && i + 1 < n && IsLetter(c[i + 1]))
        {
            j = i + 1;
        }

        if (j >= 0)
        {
            while (j < n && IsLetter(c[j]))
            {
                j++;
            }

            return j - i;
        }

        if (IsNumber(c[i]))
        {
            return Run(c, i, IsNumber, maxDigits) - i;
        }

        if (Punctuation(c, i, allowSlash: false) is > 0 and var punctuation)
        {
            return punctuation;
        }

        return IsSpace(c[i]) ? Whitespace(c, i) : 1;
    }

    // o200k_base:
    //   [^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?
    //  |[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?
    //  |\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+
    private static int O200k(ReadOnlySpan<Rune> c, int i)
    {
        var n = c.Length;
        var canPrefix = IsPrefixChar(c[i]);
        // The optional prefix is greedy, not possessive: each word alternative is tried with it, then without.
        foreach (var word in (ReadOnlySpan<int>)[0, 1])
        {
            if (canPrefix)
            {
                var withPrefix = word == 0 ? LowerWord(c, i + 1) : UpperWord(c, i + 1);
                if (withPrefix > 0)
                {
                    return withPrefix - i;
                }
            }

            var without = word == 0 ? LowerWord(c, i) : UpperWord(c, i);
            if (without > 0)
            {
                return without - i;
            }
        }

        if (IsNumber(c[i]))
        {
            return Run(c, i, IsNumber, max: 3) - i;
        }

        if (Punctuation(c, i, allowSlash: true) is > 0 and var punctuation)
        {
            return punctuation;
        }

        return IsSpace(c[i]) ? Whitespace(c, i) : 1;
    }

    /// <summary><c>\s*[\r\n]+|\s+(?!\S)|\s+</c> at a whitespace rune.</summary>
    private static int Whitespace(ReadOnlySpan<Rune> c, int i)
    {
        var n = c.Length;
        var k = Run(c, i, IsSpace, int.MaxValue);
        for (var p = k - 1; p >= i; p--)
        {
            if (IsNewline(c[p]))
            {
                return p + 1 - i; // \s*[\r\n]+ ends at the run's last newline
            }
        }

        if (k == n)
        {
            return n - i; // \s+(?!\S) at the end of the text
        }

        return k - 1 > i ? k - 1 - i : k - i; // \s+(?!\S) leaves the last space to the next word; else \s+
    }

    /// <summary>
    /// <c>[upper]*[lower]+contraction?</c> from <paramref name="s"/>; returns the end, or 0 when it does not match.
    /// The greedy upper run gives back one rune at a time until a lower-class rune can start the lower run.
    /// </summary>
    private static int LowerWord(ReadOnlySpan<Rune> c, int s)
    {
        var n = c.Length;
        if (s >= n)
        {
            return 0;
        }

        var upperEnd = Run(c, s, IsUpperClass, int.MaxValue);
        for (var k = upperEnd; k >= s; k--)
        {
            if (k < n && IsLowerClass(c[k]))
            {
                var end = Run(c, k, IsLowerClass, int.MaxValue);
                return end + Contraction(c, end);
            }
        }

        return 0;
    }

    /// <summary><c>[upper]+[lower]*contraction?</c> from <paramref name="s"/>; returns the end, or 0.</summary>
    private static int UpperWord(ReadOnlySpan<Rune> c, int s)
    {
        if (s >= c.Length || !IsUpperClass(c[s]))
        {
            return 0;
        }

        var end = Run(c, Run(c, s, IsUpperClass, int.MaxValue), IsLowerClass, int.MaxValue);
        return end + Contraction(c, end);
    }

    /// <summary><c>(?i:'s|'t|'re|'ve|'m|'ll|'d)</c> at <paramref name="at"/>: its length, or 0.</summary>
    private static int Contraction(ReadOnlySpan<Rune> c, int at)
    {
        if (at + 1 >= c.Length || c[at].Value != '\'')
        {
            return 0;
        }

        var a = c[at + 1];
        if (FoldsTo(a, 's') || FoldsTo(a, 't'))
        {
            return 2;
        }

        if (at + 2 < c.Length && (FoldsTo(a, 'r') || FoldsTo(a, 'v')) && FoldsTo(c[at + 2], 'e'))
        {
            return 3;
        }

        if (FoldsTo(a, 'm'))
        {
            return 2;
        }

        if (at + 2 < c.Length && FoldsTo(a, 'l') && FoldsTo(c[at + 2], 'l'))
        {
            return 3;
        }

        return FoldsTo(a, 'd') ? 2 : 0;
    }

    private static bool IsTwoLetterContraction(Rune a, Rune b) =>
        (FoldsTo(a, 'l') && FoldsTo(b, 'l')) || (FoldsTo(a, 'v') && FoldsTo(b, 'e')) || (FoldsTo(a, 'r') && FoldsTo(b, 'e'));

    /// <summary><c> ?[^\s\p{L}\p{N}]+[\r\n]*</c> (o200k: <c>[\r\n/]*</c>): its length, or 0.</summary>
    private static int Punctuation(ReadOnlySpan<Rune> c, int i, bool allowSlash)
    {
        var j = i;
        if (c[j].Value == ' ')
        {
            j++;
        }

        if (j >= c.Length || !IsPunctuation(c[j]))
        {
            return 0;
        }

        j = Run(c, j, IsPunctuation, int.MaxValue);
        while (j < c.Length && (IsNewline(c[j]) || (allowSlash && c[j].Value == '/')))
        {
            j++;
        }

        return j - i;
    }

    private static int Run(ReadOnlySpan<Rune> c, int start, Func<Rune, bool> inClass, int max)
    {
        var j = start;
        while (j < c.Length && j - start < max && inClass(c[j]))
        {
            j++;
        }

        return j;
    }
}
