using DataForge.Core.Media;
using DataForge.Core.Model;
using DataForge.Core.Pipeline;
using DataForge.Core.Rejects;
using DataForge.Core.Stages.Contract;
using DataForge.Core.Storage;
using Microsoft.Extensions.Logging.Abstractions;

namespace DataForge.Core.Tests;

/// <summary>Runs one stage by hand: given input files or samples, it returns the output and the rejects.</summary>
internal sealed class StageHarness(string outputFolder, string scratchFolder)
{
    public sealed class ListRejects : IRejectSink
    {
        public List<Reject> Items { get; } = [];

        public ValueTask RejectAsync(string input, string reason, string message, CancellationToken cancellationToken = default)
        {
            Items.Add(new Reject("test", input, reason, message));
            return ValueTask.CompletedTask;
        }
    }

    public ListRejects Rejects { get; } = new();

    public IStorage Output { get; } = new LocalStorage(outputFolder);

    /// <summary>What the stage published (stats under the slot <c>00-test</c>).</summary>
    public TaskOutputs Outputs { get; } = new();

    public long Counter(string name) =>
        Outputs.Extras.TryGetValue("00-test", out var stats) && stats[name] is { } value ? value.GetValue<long>() : 0;

    public async Task<List<Sample>> RunAsync(IStage stage, IReadOnlyList<InputFile>? inputs = null, IEnumerable<Sample>? samples = null, int workers = 3)
    {
        Directory.CreateDirectory(scratchFolder);
        var context = new StageContext
        {
            StageName = "test",
            StageSlot = "00-test",
            TaskIndex = 0,
            TaskCount = 1,
            Inputs = inputs ?? [],
            Output = Output,
            Media = new MediaStore(Output),
            Rejects = Rejects,
            Outputs = Outputs,
            Counters = new RunCounters(),
            ScratchDirectory = scratchFolder,
            Workers = workers,
            Logger = NullLogger.Instance,
        };
        return await stage.RunAsync((samples ?? []).ToAsyncEnumerable(), context).ToListAsync();
    }

    public static async Task<List<InputFile>> InputsAsync(string folder)
    {
        var resolver = new InputResolver(new StorageFactory(_ => null, "/"));
        return await resolver.ExpandAsync(folder).ToListAsync();
    }
}
