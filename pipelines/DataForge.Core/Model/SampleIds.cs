using DataForge.Core.Hashing;

namespace DataForge.Core.Model;

/// <summary>Sample ids derived from where a sample came from, so reruns and other task counts give the same ids.</summary>
public static class SampleIds
{
    /// <summary>16 hex digits (64 bits) of sha256 of the source: collisions need ~4 billion samples to become likely.</summary>
    public static string FromSource(string source) => Hashes.Sha256Hex(source)[..16];
}
