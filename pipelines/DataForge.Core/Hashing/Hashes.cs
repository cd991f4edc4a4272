using System.Security.Cryptography;
using System.Text;

namespace DataForge.Core.Hashing;

/// <summary>The hashes the formats name: sha256 hex for content addresses and checksums.</summary>
public static class Hashes
{
    public static string Sha256Hex(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    public static string Sha256Hex(string text) => Sha256Hex(Encoding.UTF8.GetBytes(text));

    public static async Task<string> Sha256HexAsync(Stream stream, CancellationToken cancellationToken = default) =>
        Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancellationToken));

    /// <summary>A stable bucket for a key: the first 8 bytes of its sha256, modulo the bucket count.</summary>
    public static int Bucket(string key, int buckets)
    {
        var digest = SHA256.HashData(Encoding.UTF8.GetBytes(key));
        return (int)(BitConverter.ToUInt64(digest, 0) % (ulong)buckets);
    }

    /// <summary>xxHash64 (seed 0) of a key's UTF-8 bytes: a stable order key where sha256 would cost more (the mixer's subsample).</summary>
    public static ulong XxHash64(string key) => System.IO.Hashing.XxHash64.HashToUInt64(Encoding.UTF8.GetBytes(key));
}
