using System.Diagnostics;
using System.Globalization;

namespace DataForge.Core.Pipeline;

/// <summary>
/// Task scratch folders under the temp directory, named <c>task-NNNNN-PID-GUID</c> so that one left by a killed run
/// (SIGKILL, an out-of-memory kill, a lost node) can be told from one in use: a folder whose process is gone is
/// removed when the next task starts. Without this every killed run left its spools and rejects there forever.
/// </summary>
public static class ScratchFolders
{
    public static string Root => Path.Combine(Path.GetTempPath(), "dataforge");

    /// <summary>A new, empty scratch folder for one task of this process.</summary>
    public static string Create(int task) => Create(task, Root);

    /// <summary>
    /// A new, empty scratch folder for one task of this process under <paramref name="root"/> (tests use their own root:
    /// a sweep by another run in the same temp directory must not race them).
    /// </summary>
    public static string Create(int task, string root)
    {
        var folder = Path.Combine(root, string.Create(CultureInfo.InvariantCulture, $"task-{task:D5}-{Environment.ProcessId}-{Guid.NewGuid():N}"));
        Directory.CreateDirectory(folder);
        return folder;
    }

    /// <summary>Removes the scratch folders whose process no longer runs; folders of live processes, or named otherwise, stay.</summary>
    public static void RemoveAbandoned() => RemoveAbandoned(Root);

    /// <summary>Removes the scratch folders under <paramref name="root"/> whose process no longer runs.</summary>
    public static void RemoveAbandoned(string root)
    {
        if (!Directory.Exists(root))
        {
            return;
        }

        foreach (var folder in Directory.EnumerateDirectories(root, "task-*"))
        {
            var parts = Path.GetFileName(folder).Split('-');
            if (parts.Length != 4 || !int.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var pid) || pid == Environment.ProcessId || IsRunning(pid))
            {
                continue;
            }

            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Another user's folder, or one being removed by another process at the same time: not ours to force.
            }
        }
    }

    private static bool IsRunning(int pid)
    {
        if (OperatingSystem.IsLinux())
        {
            return Directory.Exists($"/proc/{pid}");
        }

        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
