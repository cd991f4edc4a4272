using System.Text.Json.Nodes;
using DataForge.Core.Hashing;

namespace DataForge.Testing;

/// <summary>
/// A shard set as one from elsewhere would arrive with a damaged file: the other files copied, the mutated bytes in
/// place of one shard, and index.json rewritten with their sha256 so the readers get as far as parsing them (a file
/// that does not match its index is refused before that, which the suites test on their own).
/// </summary>
public static class MutatedShardSet
{
    public static async Task WriteAsync(string folder, string sourceFolder, string shardName, byte[] mutated)
    {
        Directory.CreateDirectory(folder);
        foreach (var file in Directory.GetFiles(sourceFolder))
        {
            File.Copy(file, Path.Combine(folder, Path.GetFileName(file)), overwrite: true);
        }

        await File.WriteAllBytesAsync(Path.Combine(folder, shardName), mutated);
        var index = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(sourceFolder, "index.json")))!;
        foreach (var file in index["files"]!.AsArray())
        {
            if ((string?)file!["name"] == shardName)
            {
                file["sha256"] = Hashes.Sha256Hex(mutated);
            }
        }

        await File.WriteAllTextAsync(Path.Combine(folder, "index.json"), index.ToJsonString());
    }
}
