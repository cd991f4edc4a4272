using System.Text.Json.Nodes;
using DataForge.Core.SampleSets;
using DataForge.Core.Stages.Contract;

namespace DataForge.Core.Pipeline;

/// <summary>The files a task's sinks published, collected for the task report.</summary>
public sealed class TaskOutputs
{
    private readonly List<SampleFileInfo> _files = [];
    private readonly SortedDictionary<string, JsonNode> _extras = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    public void Add(SampleFileInfo file)
    {
        lock (_gate)
        {
            _files.Add(file);
        }
    }

    /// <summary>A sink's own report for this task (e.g. the packer's shard files), kept in the task report under
    /// <paramref name="stageSlot"/> and handed to the stage's <see cref="StageDefinition.FinishAsync"/>.</summary>
    public void SetExtra(string stageSlot, JsonNode report)
    {
        lock (_gate)
        {
            _extras[stageSlot] = report;
        }
    }

    public IReadOnlyDictionary<string, JsonNode> Extras
    {
        get
        {
            lock (_gate)
            {
                return new SortedDictionary<string, JsonNode>(_extras, StringComparer.Ordinal);
            }
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
