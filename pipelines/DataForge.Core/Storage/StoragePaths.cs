namespace DataForge.Core.Storage;

/// <summary>Validation and joining of the relative '/'-separated paths that <see cref="IStorage"/> takes.</summary>
public static class StoragePaths
{
    public static string Join(string left, string right)
    {
        if (left.Length == 0)
        {
            return right;
        }

        if (right.Length == 0)
        {
            return left;
        }

        return left.TrimEnd('/') + "/" + right.TrimStart('/');
    }

    /// <summary>Rejects absolute paths and '..' so that a path can never leave its storage root.</summary>
    public static string Normalize(string path)
    {
        var normalized = path.Replace('\\', '/').Trim('/');
        foreach (var segment in normalized.Split('/'))
        {
            if (segment is ".." or "." || (segment.Length == 0 && normalized.Length > 0))
            {
                throw new ArgumentException($"storage path '{path}' must be relative, without '.', '..' or empty segments", nameof(path));
            }
        }

        return normalized;
    }

    public static string FileName(string path)
    {
        var slash = path.LastIndexOf('/');
        return slash < 0 ? path : path[(slash + 1)..];
    }

    public static string Directory(string path)
    {
        var slash = path.LastIndexOf('/');
        return slash < 0 ? string.Empty : path[..slash];
    }
}
