using DataForge.Core.Pipeline;

namespace DataForge.Core.Tests;

/// <summary>A scratch folder left by a process that is gone (a killed run) is removed; one of a live process is not.</summary>
public sealed class ScratchFoldersTests
{
    [Fact]
    public void Folders_of_processes_that_are_gone_are_removed_and_those_of_live_ones_stay()
    {
        var unique = Guid.NewGuid().ToString("N");
        var abandoned = Directory.CreateDirectory(Path.Combine(ScratchFolders.Root, $"task-00000-2147483646-{unique}")).FullName; // no such pid
        var live = Directory.CreateDirectory(Path.Combine(ScratchFolders.Root, $"task-00000-1-{unique}")).FullName; // init always runs
        var own = ScratchFolders.Create(0);
        File.WriteAllText(Path.Combine(abandoned, "spool"), "left by a killed run");
        try
        {
            ScratchFolders.RemoveAbandoned();

            Assert.False(Directory.Exists(abandoned));
            Assert.True(Directory.Exists(live));
            Assert.True(Directory.Exists(own));
            Assert.Contains($"-{Environment.ProcessId}-", Path.GetFileName(own), StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(live, recursive: true);
            Directory.Delete(own, recursive: true);
        }
    }
}
