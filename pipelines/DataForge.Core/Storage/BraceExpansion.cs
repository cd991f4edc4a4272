using System.Globalization;

namespace DataForge.Core.Storage;

/// <summary>
/// Brace lists in input URIs, as WebDataset and img2dataset name shard sets (the braceexpand convention, from bash):
/// <c>shard-{00000..00099}.tar</c> (a numeric range, zero-padded to its bounds' width) and <c>{train,dev}.tar</c>
/// (alternatives); several braces multiply. A URI without a well-formed brace is itself.
/// </summary>
public static class BraceExpansion
{
    /// <summary>More names than this from one URI is a usage error, not a list held in memory.</summary>
    public const int MaxNames = 1_000_000;

    public static bool HasBraces(string uri) => Next(uri, 0) is not null;

    public static IReadOnlyList<string> Expand(string uri)
    {
        var results = new List<string> { string.Empty };
        var position = 0;
        while (Next(uri, position) is { } brace)
        {
            var (open, close, choices) = brace;
            var prefix = uri[position..open];
            if ((long)results.Count * choices.Count > MaxNames)
            {
                throw new UsageException($"'{uri}' expands to more than {MaxNames:N0} names");
            }

            results = [.. results.SelectMany(start => choices.Select(choice => start + prefix + choice))];
            position = close + 1;
        }

        var rest = uri[position..];
        return [.. results.Select(start => start + rest)];
    }

    private static (int Open, int Close, List<string> Choices)? Next(string uri, int from)
    {
        for (var open = uri.IndexOf('{', from); open >= 0; open = uri.IndexOf('{', open + 1))
        {
            var close = uri.IndexOf('}', open + 1);
            if (close < 0)
            {
                return null;
            }

            var inside = uri[(open + 1)..close];
            if (inside.Contains('{', StringComparison.Ordinal))
            {
                continue;
            }

            var range = inside.Split("..");
            if (range.Length == 2 && range.All(bound => bound.Length is > 0 and < 10 && bound.All(char.IsAsciiDigit)))
            {
                var first = long.Parse(range[0], CultureInfo.InvariantCulture);
                var last = long.Parse(range[1], CultureInfo.InvariantCulture);
                if (Math.Abs(last - first) >= MaxNames)
                {
                    throw new UsageException($"'{uri}': the range {{{inside}}} has more than {MaxNames:N0} names");
                }

                var width = range.Any(bound => bound.Length > 1 && bound[0] == '0') ? Math.Max(range[0].Length, range[1].Length) : 0;
                var step = last >= first ? 1 : -1;
                var names = new List<string>();
                for (var value = first; value != last + step; value += step)
                {
                    names.Add(value.ToString(CultureInfo.InvariantCulture).PadLeft(width, '0'));
                }

                return (open, close, names);
            }

            if (inside.Contains(',', StringComparison.Ordinal))
            {
                return (open, close, [.. inside.Split(',')]);
            }
        }

        return null;
    }
}
