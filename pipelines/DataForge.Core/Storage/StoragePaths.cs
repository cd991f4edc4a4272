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

    /// <summary>
    /// Whether a name taken from input data (an annotation's file_name, a mask's name) is a plain relative path that
    /// stays below the folder it is resolved in: no absolute or drive path, no '.' or '..' segment, no empty segment.
    /// Such names are rejects, never opened: an annotation file from elsewhere must not read the machine's files.
    /// </summary>
    public static bool IsSafeRelative(string path)
    {
        if (path.Length == 0 || path[0] is '/' or '\\' || (path.Length > 1 && path[1] == ':') || path.Contains('\0', StringComparison.Ordinal))
        {
            return false;
        }

        return path.Replace('\\', '/').Split('/').All(segment => segment is not ("" or "." or ".."));
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

    /// <summary>
    /// Whether a path named by data (a manifest's audio, a table's image) leaves the folder it is relative to: a URI
    /// (file://, az://, https://), an absolute or drive path, or a relative path whose '..' climbs above its start.
    /// </summary>
    public static bool LeavesFolder(string path)
    {
        var named = path.Replace('\\', '/');
        if (named.Contains("://", StringComparison.Ordinal) || named.StartsWith("file:", StringComparison.OrdinalIgnoreCase)
            || named.StartsWith('/') || (named.Length > 1 && named[1] == ':'))
        {
            return true;
        }

        var depth = 0;
        foreach (var segment in named.Split('/'))
        {
            depth += segment switch { ".." => -1, "." or "" => 0, _ => 1 };
            if (depth < 0)
            {
                return true;
            }
        }

        return false;
    }
}
