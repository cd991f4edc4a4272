using System.Globalization;
using System.Text.RegularExpressions;

namespace DataForge.Core;

/// <summary>
/// Durations as people and job schedulers write them: "90m", "2h", "1h30m", "45s", "1d", a number of seconds, or
/// Slurm's / TimeSpan's "[d-]hh:mm:ss"; and short readable ones for progress lines ("1h02m", "3m05s", "12s").
/// </summary>
public static partial class Durations
{
    /// <summary>The duration <paramref name="text"/> means, or null when it is not one (or not positive).</summary>
    public static TimeSpan? Parse(string text)
    {
        var trimmed = text.Trim().ToLowerInvariant();
        if (double.TryParse(trimmed, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds))
        {
            return seconds > 0 && double.IsFinite(seconds) && seconds < TimeSpan.MaxValue.TotalSeconds ? TimeSpan.FromSeconds(seconds) : null;
        }

        if (Units().Match(trimmed) is { Success: true } units && trimmed.Length > 0)
        {
            double total = 0;
            foreach (var (group, scale) in new[] { ("d", 86400.0), ("h", 3600.0), ("m", 60.0), ("s", 1.0) })
            {
                if (units.Groups[group].Success)
                {
                    total += double.Parse(units.Groups[group].Value, CultureInfo.InvariantCulture) * scale;
                }
            }

            return total > 0 && total < TimeSpan.MaxValue.TotalSeconds ? TimeSpan.FromSeconds(total) : null;
        }

        // Slurm's d-hh:mm:ss, then TimeSpan's own forms (hh:mm:ss, d.hh:mm:ss).
        var slurm = trimmed.Split('-', 2);
        var days = 0;
        if (slurm.Length == 2 && int.TryParse(slurm[0], NumberStyles.None, CultureInfo.InvariantCulture, out days))
        {
            trimmed = slurm[1];
        }

        // Days beyond what a TimeSpan holds are no duration (FromDays would throw, not refuse).
        if (days > TimeSpan.MaxValue.TotalDays - 1 || !TimeSpan.TryParse(trimmed, CultureInfo.InvariantCulture, out var span))
        {
            return null;
        }

        var whole = span + TimeSpan.FromDays(days);
        return whole > TimeSpan.Zero ? whole : null;
    }

    public static string Format(TimeSpan span)
    {
        if (span < TimeSpan.Zero)
        {
            span = TimeSpan.Zero;
        }

        return span.TotalHours >= 1
            ? string.Create(CultureInfo.InvariantCulture, $"{(int)span.TotalHours}h{span.Minutes:00}m")
            : span.TotalMinutes >= 1
                ? string.Create(CultureInfo.InvariantCulture, $"{span.Minutes}m{span.Seconds:00}s")
                : string.Create(CultureInfo.InvariantCulture, $"{span.TotalSeconds:0}s");
    }

    [GeneratedRegex(@"^(?:(?<d>\d+(?:\.\d+)?)d)?(?:(?<h>\d+(?:\.\d+)?)h)?(?:(?<m>\d+(?:\.\d+)?)m(?:in)?)?(?:(?<s>\d+(?:\.\d+)?)s)?$")]
    private static partial Regex Units();
}
