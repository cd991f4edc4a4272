using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace DataForge.Training.Model;

/// <summary>What one MoE layer's routing did in a forward pass: the balancing loss and how many tokens each expert got.</summary>
public sealed record RoutingStats(Tensor AuxLoss, Tensor ExpertTokens, Tensor ModalityExpertTokens);

/// <summary>
/// Sparse feed-forward: a shared expert every token passes through, plus <c>E</c> routed SwiGLU experts of which each
/// token uses its top-k. Routing scores are softmax probabilities from a router chosen by the token's modality (text,
/// image, audio) when modality routing is on. Balancing, both switchable: the Switch/GShard auxiliary loss
/// <c>E · Σ f_e · P_e</c>, and DeepSeek-V3's auxiliary-loss-free bias, added to the scores for choosing experts only
/// (the weights stay the probabilities) and nudged after each optimizer step toward equal load
/// (<see cref="UpdateBias"/>). Dispatch sorts token slots by expert and runs each expert once on its tokens (a loop
/// over experts, never over tokens); padding is not routed.
/// </summary>
public sealed class MixtureOfExperts : nn.Module
{
    public const int Modalities = 3;

    private readonly SwiGlu _shared;
    private readonly ModuleList<SwiGlu> _experts;
    private readonly Linear _router;
    private readonly int _expertCount;
    private readonly int _topK;
    private readonly bool _modalityRouting;

    public MixtureOfExperts(string name, ModelConfig config) : base(name)
    {
        (_expertCount, _topK, _modalityRouting) = (config.Experts, config.TopK, config.ModalityRouting);
        _shared = new SwiGlu("shared", config.Dim, config.ExpertDim);
        _experts = nn.ModuleList([.. Enumerable.Range(0, config.Experts).Select(e => new SwiGlu($"expert{e}", config.Dim, config.ExpertDim))]);
        _router = nn.Linear(config.Dim, (config.ModalityRouting ? Modalities : 1) * config.Experts, hasBias: false);
        // Looked up by name whenever used: moving the module to another device replaces the buffer's tensor.
        register_buffer("routing_bias", zeros(config.Experts));
        RegisterComponents();
    }

    /// <summary>The per-expert selection bias (a buffer: saved in checkpoints, not trained by the optimizer).</summary>
    public Tensor Bias => get_buffer("routing_bias")!;

    /// <param name="x">[N, D] tokens</param>
    /// <param name="modality">[N] 0 text, 1 image, 2 audio, 255 padding</param>
    public (Tensor Output, RoutingStats Stats) Forward(Tensor x, Tensor modality)
    {
        using var scope = NewDisposeScope();
        var output = _shared.forward(x);
        var valid = modality.ne(255).nonzero().squeeze(1);
        var tokens = x.index_select(0, valid);
        var count = tokens.shape[0];
        var routerIndex = _modalityRouting ? modality.index_select(0, valid).clamp(0, Modalities - 1) : zeros_like(valid);
        var logits = _router.forward(tokens).view(count, _modalityRouting ? Modalities : 1, _expertCount)
            .gather(1, routerIndex.view(count, 1, 1).expand(count, 1, _expertCount)).squeeze(1);
        var probabilities = nn.functional.softmax(logits, -1);
        // The bias steers the choice only: it never reaches the weights or the gradient.
        var chosen = (probabilities.detach() + Bias).topk(_topK, dim: -1, largest: true, sorted: true).indexes;
        var weights = probabilities.gather(1, chosen);
        weights = weights / weights.sum(-1, keepdim: true);

        var slots = chosen.flatten();
        var slotTokens = arange(count, dtype: int64, device: x.device).repeat_interleave(_topK);
        var slotWeights = weights.flatten();
        var order = slots.argsort();
        var expertTokens = slots.bincount(null, _expertCount);
        var ends = expertTokens.cumsum(0).cpu().data<long>().ToArray();
        long start = 0;
        for (var e = 0; e < _expertCount; e++)
        {
            var end = ends[e];
            if (end > start)
            {
                var slotIndex = order.narrow(0, start, end - start);
                var tokenIndex = slotTokens.index_select(0, slotIndex);
                var result = _experts[e].forward(tokens.index_select(0, tokenIndex)) * slotWeights.index_select(0, slotIndex).unsqueeze(1);
                output = output.index_add(0, valid.index_select(0, tokenIndex), result, 1);
            }

            start = end;
        }

        Tensor auxLoss;
        if (count > 0)
        {
            var fraction = expertTokens.to(float32) / (count * _topK);
            auxLoss = _expertCount * (fraction * probabilities.mean([0])).sum();
        }
        else
        {
            auxLoss = zeros([], device: x.device);
        }

        var slotModality = modality.index_select(0, valid).clamp(0, Modalities - 1).repeat_interleave(_topK);
        var byModality = ((slotModality * _expertCount) + slots).bincount(null, Modalities * _expertCount).view(Modalities, _expertCount);
        var stats = new RoutingStats(auxLoss.MoveToOuterDisposeScope(), expertTokens.MoveToOuterDisposeScope(), byModality.MoveToOuterDisposeScope());
        return (output.MoveToOuterDisposeScope(), stats);
    }

    /// <summary>DeepSeek-V3's update: each expert's bias moves by <paramref name="rate"/> toward the mean load (up when under-loaded).</summary>
    public void UpdateBias(Tensor expertTokens, double rate)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var load = expertTokens.to(float32);
        Bias.add_((load.mean() - load).sign() * rate);
    }
}
