using System.Text;

namespace DataForge.Core.Media;

/// <summary>RFC 2397 data: URIs — <c>data:[mediatype][;base64],payload</c>.</summary>
public static class DataUri
{
    /// <summary>32 MiB of payload text (24 MiB of image after base64): over it a data: URI is not decoded.</summary>
    public const int MaxPayloadChars = 32 << 20;

    public static byte[]? TryDecode(string uri)
    {
        var comma = uri.IndexOf(',', StringComparison.Ordinal);
        if (!uri.StartsWith("data:", StringComparison.OrdinalIgnoreCase) || comma < 0)
        {
            return null;
        }

        // Larger payloads are not images a document keeps, and decoding them costs several times their size.
        if (uri.Length - comma > MaxPayloadChars)
        {
            return null;
        }

        var header = uri[5..comma];
        var payload = uri[(comma + 1)..];
        try
        {
            return header.EndsWith(";base64", StringComparison.OrdinalIgnoreCase)
                ? Convert.FromBase64String(Uri.UnescapeDataString(payload))
                : Encoding.UTF8.GetBytes(Uri.UnescapeDataString(payload));
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
