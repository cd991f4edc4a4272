using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;

namespace DataForge.Core.Model;

/// <summary>
/// The measures stages judge samples by, defined once so that the same option means the same thing everywhere:
/// <c>min_text_chars</c> of filter and of interleave both count Unicode scalar values, and "exact duplicate" is one key.
/// </summary>
public static class SampleMeasures
{
    /// <summary>Characters of text over all text parts, as Unicode scalar values (an emoji is one, not two UTF-16 units).</summary>
    public static int TextCharacters(IEnumerable<Part> parts)
    {
        var count = 0;
        foreach (var text in parts.OfType<TextPart>())
        {
            foreach (var _ in text.Text.EnumerateRunes())
            {
                count++;
            }
        }

        return count;
    }

    /// <summary>Longer side over shorter side (a side of 0 counts as 1).</summary>
    public static double AspectRatio(int width, int height) =>
        (double)Math.Max(width, height) / Math.Max(1, Math.Min(width, height));

    /// <summary>
    /// The exact-content key: XxHash128 over each part's kind, role (when asked) and text or media hash, each
    /// length-prefixed so that part boundaries cannot be shifted into a collision.
    /// </summary>
    public static UInt128 ContentKey(IEnumerable<Part> parts, bool includeRoles)
    {
        var hash = new XxHash128();
        foreach (var part in parts)
        {
            AppendField(hash, part.Kind);
            if (includeRoles)
            {
                AppendField(hash, part.Role.ToWire());
            }

            AppendField(hash, part switch
            {
                TextPart text => text.Text,
                // Clips of one video share its hash: a clip is the video and its window.
                VideoPart video => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{video.Media.Sha256}@{video.StartSeconds:R}+{video.DurationSeconds:R}"),
                MediaPart media => media.Media.Sha256,
                _ => throw Part.Unhandled(part),
            });
        }

        return hash.GetCurrentHashAsUInt128();
    }

    private static void AppendField(XxHash128 hash, string value)
    {
        Span<byte> length = stackalloc byte[4];
        var bytes = Encoding.UTF8.GetBytes(value);
        BinaryPrimitives.WriteInt32LittleEndian(length, bytes.Length);
        hash.Append(length);
        hash.Append(bytes);
    }
}
