namespace DataForge.Testing;

/// <summary>Finds the repository (the folder with DataForge.sln) from the test binaries, for samples/ and tools.</summary>
public static class RepositoryRoot
{
    public static string Path { get; } = Find();

    public static string Samples => System.IO.Path.Combine(Path, "samples");

    private static string Find()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(directory.FullName, "DataForge.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"no DataForge.sln above {AppContext.BaseDirectory}");
    }
}
