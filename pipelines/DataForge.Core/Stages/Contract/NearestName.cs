namespace DataForge.Core.Stages.Contract;

/// <summary>
/// "Did you mean …?" for option names, flags and stage names: the closest candidate by edit distance once
/// separators are ignored (<c>seqlen</c>, <c>seq-len</c> and <c>seq_len</c> are one name), if it is close enough to
/// be a typo rather than another word.
/// </summary>
public static class NearestName
{
    public static string? Find(string given, IEnumerable<string> candidates)
    {
        var wanted = Squash(given);
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var candidate in candidates)
        {
            var distance = Distance(wanted, Squash(candidate));
            if (distance < bestDistance)
            {
                (best, bestDistance) = (candidate, distance);
            }
        }

        return best is not null && bestDistance <= Math.Max(2, wanted.Length / 3) ? best : null;
    }

    /// <summary>A clause to append to an error message: <c> (did you mean 'seq_len'?)</c>, or nothing.</summary>
    public static string Hint(string given, IEnumerable<string> candidates) =>
        Find(given, candidates) is { } nearest ? $" (did you mean '{nearest}'?)" : string.Empty;

    private static string Squash(string name) =>
        new([.. name.TrimStart('-').ToLowerInvariant().Where(character => character is not ('_' or '-' or '.'))]);

    /// <summary>Optimal string alignment distance (Levenshtein with adjacent transpositions).</summary>
    private static int Distance(string left, string right)
    {
        var table = new int[left.Length + 1, right.Length + 1];
        for (var i = 0; i <= left.Length; i++)
        {
            table[i, 0] = i;
        }

        for (var j = 0; j <= right.Length; j++)
        {
            table[0, j] = j;
        }

        for (var i = 1; i <= left.Length; i++)
        {
            for (var j = 1; j <= right.Length; j++)
            {
                var cost = left[i - 1] == right[j - 1] ? 0 : 1;
                table[i, j] = Math.Min(Math.Min(table[i - 1, j] + 1, table[i, j - 1] + 1), table[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && left[i - 1] == right[j - 2] && left[i - 2] == right[j - 1])
                {
                    table[i, j] = Math.Min(table[i, j], table[i - 2, j - 2] + 1);
                }
            }
        }

        return table[left.Length, right.Length];
    }
}
