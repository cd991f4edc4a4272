using DataForge.Core.Stages.Contract;
using DataForge.Core.Storage;

namespace DataForge.Core.Pipeline;

/// <summary>
/// What a pipeline must be before anything runs: something writes its result (without a sink a run ends with
/// _SUCCESS and nothing in it), no two sinks write the same place (two write stages counted every sample twice), and
/// the output is neither the file system's root nor inside a folder the run reads (a rerun would read its own
/// output back in and differ from an uninterrupted run).
/// </summary>
public static class OutputGuards
{
    public static void Check(PipelineSpec spec, StageRegistry registry, StorageFactory storage)
    {
        var sinks = new Dictionary<string, string>(StringComparer.Ordinal);
        var inputs = new List<string>(spec.Inputs);
        foreach (var stage in spec.Stages)
        {
            var where = stage.Location.ToString();
            var definition = registry.Resolve(stage.Name, where);
            if (definition.WritesTo(stage.Options, where) is { } path)
            {
                var place = StoragePaths.Normalize(path);
                if (sinks.TryGetValue(place, out var earlier))
                {
                    throw new UsageException($"{where}: stage '{stage.Name}' writes to {(place.Length == 0 ? "the output" : $"'{place}'")}, as '{earlier}' before it does: give one of them another path, or drop one");
                }

                sinks[place] = stage.Name;
            }

            inputs.AddRange(definition.SourceInputs(stage.Options, where) ?? []);
        }

        if (sinks.Count == 0)
        {
            throw new UsageException($"pipeline '{spec.Name}' writes nothing: end it with a write stage (a sample set) or a pack stage (shards)");
        }

        if (storage.Open(spec.Output) is not LocalStorage output)
        {
            return;
        }

        var outputFolder = Path.TrimEndingDirectorySeparator(output.RootDirectory);
        if (Path.GetPathRoot(outputFolder) == output.RootDirectory || outputFolder.Length == 0 || Path.GetDirectoryName(outputFolder) is null)
        {
            throw new UsageException($"output '{spec.Output}' is the root of the file system: name a folder of its own");
        }

        foreach (var input in inputs.Distinct(StringComparer.Ordinal))
        {
            if (storage.Open(input) is LocalStorage local && Directory.Exists(local.RootDirectory))
            {
                var folder = Path.TrimEndingDirectorySeparator(local.RootDirectory);
                if (outputFolder == folder || outputFolder.StartsWith(folder + Path.DirectorySeparatorChar, StringComparison.Ordinal))
                {
                    throw new UsageException($"output '{spec.Output}' lies inside input '{input}': a rerun would read the run's own output back in; write it elsewhere");
                }
            }
        }
    }
}
