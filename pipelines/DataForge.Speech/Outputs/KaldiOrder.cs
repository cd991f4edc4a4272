namespace DataForge.Speech.Outputs;

/// <summary>
/// Kaldi's sort order: its data-directory files must be sorted as <c>LC_ALL=C sort</c> sorts them
/// (utils/validate_data_dir.sh checks with <c>export LC_ALL=C; sort -c</c>), which is the byte order of the UTF-8
/// text. That is Unicode code point order, and differs from .NET's ordinal (UTF-16 code unit) order exactly where a
/// character outside the BMP (a surrogate pair, 0xD800–0xDFFF) meets one in 0xE000–0xFFFF: UTF-16 puts the pair first,
/// UTF-8 puts it last. Comparing code units with the surrogates moved above 0xFFFF gives code point order without
/// encoding (the fix-up ICU's u_strCompare uses in code point order mode).
/// </summary>
public sealed class KaldiOrder : IComparer<string>
{
    public static KaldiOrder Instance { get; } = new();

    public int Compare(string? x, string? y)
    {
        if (ReferenceEquals(x, y))
        {
            return 0;
        }

        if (x is null || y is null)
        {
            return x is null ? -1 : 1;
        }

        var length = Math.Min(x.Length, y.Length);
        for (var index = 0; index < length; index++)
        {
            if (x[index] != y[index])
            {
                return InCodePointOrder(x[index]) - InCodePointOrder(y[index]);
            }
        }

        return x.Length - y.Length;
    }

    private static int InCodePointOrder(char unit) =>
        unit < 0xD800 ? unit : unit >= 0xE000 ? unit - 0x800 : unit + 0x2000;
}
