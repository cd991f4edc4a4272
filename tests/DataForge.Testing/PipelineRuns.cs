using DataForge.Core.Pipeline;
using DataForge.Core.Stages;
using DataForge.Core.Stages.Contract;
using DataForge.Core.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace DataForge.Testing;

/// <summary>Runs a pipeline spec in-process with the core stages plus the ones a test project brings.</summary>
public static class PipelineRuns
{
    public static PipelineRunner Runner(IEnumerable<StageDefinition> extraStages, Func<string, string?>? environment = null, ILogger? logger = null) =>
        new(new StageRegistry([.. CoreStages.All, .. extraStages]), new StorageFactory(environment ?? (_ => null), "/"), logger ?? NullLogger.Instance, environment ?? (_ => null));

    public static Task<RunResult> RunAsync(
        PipelineSpec spec, IEnumerable<StageDefinition> extraStages, int workers = 2, Func<string, string?>? environment = null, ILogger? logger = null) =>
        Runner(extraStages, environment, logger).RunAsync(spec, new RunOptions(new TaskSelection(null, null), workers), new RunCounters());
}
