using DataForge.Core.SampleSets;

namespace DataForge.Core.Pipeline;

/// <summary>The files a task's sinks published, collected for the task report.</summary>
public sealed class TaskOutputs
{
    private readonly List<SampleFileInfo> _files = [];
    private readonly Lock _gate = new();

    public void Add(SampleFileInfo file)
    {
        lock (_gate)
        {
            _files.Add(file);
        }
    }

    public IReadOnlyList<SampleFileInfo> Files
    {
        get
        {
            lock (_gate)
            {
                return [.. _files.OrderBy(file => file.Name, StringComparer.Ordinal)];
            }
        }
    }
}
