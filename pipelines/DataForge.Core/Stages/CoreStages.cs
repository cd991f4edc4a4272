using DataForge.Core.Pipeline;
using DataForge.Core.Stages.Contract;
using DataForge.Core.Stages.DedupExact;
using DataForge.Core.Stages.Filter;
using DataForge.Core.Stages.ReadImages;
using DataForge.Core.Stages.ReadSamples;
using DataForge.Core.Stages.ReadText;
using DataForge.Core.Stages.Write;

namespace DataForge.Core.Stages;

/// <summary>The stages that ship with the core: sources, generic filters and the sample-set sink.</summary>
public static class CoreStages
{
    public static IReadOnlyList<StageDefinition> All { get; } =
    [
        ReadTextStage.Definition,
        ReadTable.ReadTableStage.Definition,
        ReadChat.ReadChatStage.Definition,
        ReadWebDataset.ReadWebDatasetStage.Definition,
        ReadImagesStage.Definition,
        ReadSamplesStage.Definition,
        FilterStage.Definition,
        DedupExactStage.Definition,
        WriteStage.Definition,
    ];
}
