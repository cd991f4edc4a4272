using DataForge.Training.Data;
using DataForge.Training.Model;

namespace DataForge.Training.Training;

/// <summary>
/// Model FLOPs of a training step (forward and backward, 3 × the forward's 2 per multiply-add), counting only useful
/// work: each real token through the projections, the dense or shared-plus-top-k expert SwiGLUs and the router; causal
/// attention over each document's own (query, key) pairs; the output head at the positions that have a target. Padding,
/// the experts' capacity slack and the media encoders are not counted, so MFU derived from it is a lower bound.
/// </summary>
public static class ModelFlops
{
    public static double PerStep(ModelConfig config, BatchCounts counts)
    {
        double d = config.Dim, headDim = config.HeadDim;
        var attentionProjections = d * headDim * ((2 * config.Heads) + (2 * config.KvHeads));
        var dense = 3 * d * config.FfnDim;
        var sparse = (3 * d * config.ExpertDim * (config.TopK + 1)) + (d * config.Experts);
        var perToken = (config.Layers * attentionProjections) + dense + ((config.Layers - 1) * sparse);
        var attention = config.Layers * (double)counts.AttentionPairs * 2 * 2 * headDim * config.Heads;
        var head = (double)counts.Targets * d * config.VocabSize;
        return 3 * ((2 * perToken * counts.RealTokens) + attention + (2 * head));
    }
}
