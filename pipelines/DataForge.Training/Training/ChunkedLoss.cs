using DataForge.Training.Data;
using DataForge.Training.Model;
using static TorchSharp.torch;

namespace DataForge.Training.Training;

/// <summary>
/// Forward and backward of the training loss with the output head taken a chunk of target positions at a time, so the
/// [targets, vocabulary] logits never exist whole (32 768 targets × a 100 k vocabulary are 13 GB in float32, more than
/// the rest of the small model's activations). The hidden states are cut from the graph; each chunk's cross-entropy
/// (summed, divided by the number of targets) is back-propagated at once into the head and into the cut's gradient;
/// then one backward of hidden · gradient + c · aux carries it through the model. Gradients equal the unchunked loss's
/// up to float rounding (tested).
/// </summary>
public static class ChunkedLoss
{
    /// <summary>Back-propagates (lm + coefficient · aux) · scale and returns lm, detached.</summary>
    public static Tensor Backward(OmniMoeModel model, Tensor hidden, Tensor aux, TrainingBatch batch, double auxCoefficient, double scale, int chunk)
    {
        var targets = batch.Counts.Targets;
        if (chunk <= 0 || targets <= chunk)
        {
            using var scope = NewDisposeScope();
            var lm = Trainer.LanguageModelLoss(model, hidden, batch);
            ((lm + (auxCoefficient * aux)) * scale).backward();
            return lm.detach().MoveToOuterDisposeScope();
        }

        using var cut = hidden.detach().requires_grad_(true);
        using var flat = cut.reshape(-1, cut.shape[^1]);
        var total = zeros([], device: hidden.device);
        for (long start = 0; start < targets; start += chunk)
        {
            using var scope = NewDisposeScope();
            var count = Math.Min(chunk, targets - start);
            var states = flat.index_select(0, batch.TargetIndex.narrow(0, start, count));
            var summed = nn.functional.cross_entropy(model.Logits(states), batch.TargetIds.narrow(0, start, count), reduction: nn.Reduction.Sum) / targets;
            (summed * scale).backward();
            total.add_(summed.detach());
        }

        using (var scope = NewDisposeScope())
        {
            var surrogate = (hidden * cut.grad!).sum() + (auxCoefficient * scale * aux);
            surrogate.backward();
        }

        return total;
    }
}
