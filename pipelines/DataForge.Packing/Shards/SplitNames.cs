namespace DataForge.Packing.Shards;

/// <summary>Split names become folder names under the shard folder (shards/train, shards/dev), so they are checked.</summary>
public static class SplitNames
{
    /// <summary>The names a trainer evaluates on, in the order it looks for them.</summary>
    public static readonly IReadOnlyList<string> Evaluation = ["dev", "validation", "val", "valid"];

    /// <summary>The name a trainer trains on (with the samples that have no split).</summary>
    public const string Training = "train";

    /// <summary>Why a split cannot name a folder, or null (also for no split at all).</summary>
    public static string? Problem(string? split)
    {
        if (split is null)
        {
            return null;
        }

        if (split.Length is 0 or > 64 || split is "." or ".." || !split.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-'))
        {
            return $"split '{split}' is not a folder name (letters, digits, '.', '_', '-'; 1 to 64 characters; not . or ..)";
        }

        return null;
    }
}
