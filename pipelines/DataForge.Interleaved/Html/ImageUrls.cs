using System.Globalization;

namespace DataForge.Interleaved.Html;

/// <summary>Which URL an &lt;img&gt; really shows, and where it points.</summary>
public static class ImageUrls
{
    /// <summary>
    /// The largest candidate of <paramref name="srcset"/> (by width descriptor, else density; HTML §4.8.4.2), or
    /// <paramref name="src"/> when there is no usable srcset.
    /// </summary>
    public static string? Choose(string? src, string? srcset)
    {
        string? best = null;
        var bestSize = double.MinValue;
        foreach (var candidate in (srcset ?? string.Empty).Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = candidate.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length == 0 || parts[0].StartsWith("data:", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var size = 1.0;
            if (parts.Length > 1 && parts[1].Length > 1)
            {
                var unit = parts[1][^1];
                if (double.TryParse(parts[1][..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
                {
                    // Widths and densities are compared on one scale; a width is worth far more than a density.
                    size = unit is 'w' or 'W' ? value : value * 1e-3;
                }
            }

            if (size > bestSize)
            {
                (best, bestSize) = (parts[0], size);
            }
        }

        return best ?? (string.IsNullOrWhiteSpace(src) ? null : src.Trim());
    }

    /// <summary>An absolute http(s) URL, or the data: URI itself; null for anything else (javascript:, about:, junk).</summary>
    public static string? Resolve(string reference, Uri? baseUrl)
    {
        if (reference.StartsWith("data:", StringComparison.OrdinalIgnoreCase))
        {
            return reference;
        }

        Uri? absolute;
        if (baseUrl is not null)
        {
            Uri.TryCreate(baseUrl, reference, out absolute);
        }
        else
        {
            Uri.TryCreate(reference, UriKind.Absolute, out absolute);
        }

        return absolute is { Scheme: "http" or "https" or "file" } ? absolute.GetLeftPart(UriPartial.Query) : null;
    }
}
