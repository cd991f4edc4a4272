using DataForge.Core.Hashing;

namespace DataForge.Core.Model;

/// <summary>Sample ids derived from where a sample came from, so reruns and other task counts give the same ids.</summary>
public static class SampleIds
{
    /// <summary>16 hex digits (64 bits) of sha256 of the source: collisions need ~4 billion samples to become likely.</summary>
    public static string FromSource(string source) => Hashes.Sha256Hex(source)[..16];

    /// <summary>
    /// The same id with a hasher the caller reuses: SHA256.HashData looks the digest up in OpenSSL 3 on every call, and on
    /// 16 threads that lookup's lock made ids of JSON lines without one a fifth of pack's CPU (issue 21's profile).
    /// </summary>
    public static string FromSource(string source, System.Security.Cryptography.IncrementalHash sha256)
    {
        sha256.AppendData(System.Text.Encoding.UTF8.GetBytes(source));
        Span<byte> digest = stackalloc byte[32];
        sha256.GetHashAndReset(digest);
        return Convert.ToHexStringLower(digest)[..16];
    }
}
