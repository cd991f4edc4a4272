using DataForge.Core.Pipeline;

namespace DataForge.Core.Tests;

/// <summary>A scratch folder left by a process that is gone (a killed run) is removed; one of a live process is not.</summary>
public sealed class ScratchFoldersTests
{
    [Fact]
    public void Folders_of_processes_that_are_gone_are_removed_and_those_of_live_ones_stay()
    {
        // A root of its own: pipeline tests running beside this one sweep the shared root and would remove the
        // abandoned folder before this test had written into it (seen once in CI).
        var unique = Guid.NewGuid().ToString("N");
        var root = Path.Combine(Path.GetTempPath(), $"dataforge-scratch-test-{unique}");
        var abandoned = Directory.CreateDirectory(Path.Combine(root, $"task-00000-2147483646-{unique}")).FullName; // no such pid
        var live = Directory.CreateDirectory(Path.Combine(root, $"task-00000-1-{unique}")).FullName; // init always runs
        var own = ScratchFolders.Create(0, root);
        var otherName = Directory.CreateDirectory(Path.Combine(root, "not-a-task")).FullName;
        File.WriteAllText(Path.Combine(abandoned, "spool"), "left by a killed run");
        try
        {
            ScratchFolders.RemoveAbandoned(root);

            Assert.False(Directory.Exists(abandoned));
            Assert.True(Directory.Exists(live));
            Assert.True(Directory.Exists(own));
            Assert.True(Directory.Exists(otherName));
            Assert.StartsWith(root, own, StringComparison.Ordinal);
            Assert.Contains($"-{Environment.ProcessId}-", Path.GetFileName(own), StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
