namespace DataForge.Core.SampleSets;

/// <summary>File names of the sample-set format (schemas/sample-set.md).</summary>
public static class SampleSetFiles
{
    public const string Manifest = "_manifest.json";
    public const string Success = "_SUCCESS";
    public const string RejectsFolder = "rejects";
    public const string TasksFolder = "_tasks";

    public static string PartFile(int index) => $"part-{index:D5}.parquet";

    public static bool IsPartFile(string path) =>
        !path.Contains('/', StringComparison.Ordinal) && path.StartsWith("part-", StringComparison.Ordinal) && path.EndsWith(".parquet", StringComparison.Ordinal);

    public static string TaskSuccess(int task) => $"{TasksFolder}/{task:D5}/{Success}";
}
