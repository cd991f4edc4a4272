using System.Globalization;
using System.Text;

namespace DataForge.Packing.Tokenization;

/// <summary>The character classes of the split patterns, on code points (not UTF-16 units, so astral letters count).</summary>
internal static class UnicodeClasses
{
    public static bool IsLetter(Rune rune) => Rune.IsLetter(rune);

    public static bool IsNumber(Rune rune) => Rune.IsNumber(rune);

    /// <summary>Unicode White_Space, which is what <c>\s</c> means in the Rust regex engine tiktoken uses.</summary>
    public static bool IsSpace(Rune rune) => rune.Value switch
    {
        >= 0x09 and <= 0x0D => true,
        0x20 or 0x85 or 0xA0 or 0x1680 or 0x2028 or 0x2029 or 0x202F or 0x205F or 0x3000 => true,
        >= 0x2000 and <= 0x200A => true,
        _ => false,
    };

    public static bool IsNewline(Rune rune) => rune.Value is '\r' or '\n';

    /// <summary><c>[^\r\n\p{L}\p{N}]</c></summary>
    public static bool IsPrefixChar(Rune rune) => !IsNewline(rune) && !IsLetter(rune) && !IsNumber(rune);

    /// <summary><c>[^\s\p{L}\p{N}]</c></summary>
    public static bool IsPunctuation(Rune rune) => !IsSpace(rune) && !IsLetter(rune) && !IsNumber(rune);

    /// <summary>o200k's "upper" class <c>[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]</c>.</summary>
    public static bool IsUpperClass(Rune rune) => Rune.GetUnicodeCategory(rune) switch
    {
        UnicodeCategory.UppercaseLetter or UnicodeCategory.TitlecaseLetter or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter => true,
        UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark => true,
        _ => false,
    };

    /// <summary>o200k's "lower" class <c>[\p{Ll}\p{Lm}\p{Lo}\p{M}]</c>.</summary>
    public static bool IsLowerClass(Rune rune) => Rune.GetUnicodeCategory(rune) switch
    {
        UnicodeCategory.LowercaseLetter or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter => true,
        UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark => true,
        _ => false,
    };

    /// <summary>Case-insensitive ASCII letter test as Rust regex's <c>(?i)</c> does it: simple case folding, so
    /// U+017F LATIN SMALL LETTER LONG S matches 's' and U+212A KELVIN SIGN matches 'k'.</summary>
    public static bool FoldsTo(Rune rune, char lower) => rune.Value switch
    {
        0x017F => lower == 's',
        0x212A => lower == 'k',
        < 128 => char.ToLowerInvariant((char)rune.Value) == lower,
        _ => false,
    };
}
