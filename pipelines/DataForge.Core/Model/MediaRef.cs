using System.Text.RegularExpressions;

namespace DataForge.Core.Model;

/// <summary>A content-addressed reference to media bytes: the bytes live in the media store under their sha256.</summary>
public sealed partial record MediaRef
{
    public MediaRef(string sha256, string mime)
    {
        if (!Sha256Pattern().IsMatch(sha256))
        {
            throw new ArgumentException($"'{sha256}' is not a lower-case hex sha256", nameof(sha256));
        }

        ArgumentException.ThrowIfNullOrWhiteSpace(mime);
        Sha256 = sha256;
        Mime = mime;
    }

    public string Sha256 { get; }

    public string Mime { get; }

    [GeneratedRegex("^[0-9a-f]{64}$")]
    private static partial Regex Sha256Pattern();
}
