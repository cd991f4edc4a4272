using DataForge.Training.Data;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace DataForge.Training.Model;

/// <summary>What one MoE layer's routing did in a forward pass: the balancing loss and how many tokens each expert got.</summary>
public sealed record RoutingStats(Tensor AuxLoss, Tensor ExpertTokens, Tensor ModalityExpertTokens);

/// <summary>
/// Sparse feed-forward: a shared expert every token passes through, plus <c>E</c> routed SwiGLU experts of which each
/// token uses its top-k. Routing scores are softmax probabilities (float32) from a router chosen by the token's modality
/// (text, image, audio) when modality routing is on. Balancing, both switchable: the Switch/GShard auxiliary loss
/// <c>E · Σ f_e · P_e</c>, and DeepSeek-V3's auxiliary-loss-free bias, added to the scores for choosing experts only
/// (the weights stay the probabilities) and nudged after each optimizer step toward equal load
/// (<see cref="UpdateBias"/>).
/// Dispatch is dropless and loop-free: the (token, choice) slots are sorted by expert, copied into an [E, C, D] buffer
/// (C the largest expert's load, rounded up), and all experts run as two batched matmuls over their stacked weights;
/// the results return to their slots by the inverse permutation and are summed per token with the routing weights.
/// Padding tokens are not routed.
/// </summary>
public sealed class MixtureOfExperts : nn.Module
{
    public const int Modalities = 3;

    /// <summary>Expert capacity is rounded up to a multiple of this (fewer distinct shapes for the allocator and kernels).</summary>
    public const int CapacityStep = 64;

    private readonly SwiGlu _shared;
    private readonly Projection _router;
    private readonly ComputePrecision _precision;
    private readonly int _expertCount;
    private readonly int _topK;
    private readonly long _hidden;
    private readonly bool _modalityRouting;

    public MixtureOfExperts(string name, ModelConfig config, ComputePrecision precision) : base(name)
    {
        (_expertCount, _topK, _modalityRouting, _hidden, _precision) = (config.Experts, config.TopK, config.ModalityRouting, config.ExpertDim, precision);
        _shared = new SwiGlu("shared", config.Dim, config.ExpertDim, precision);
        var inBound = 1.0 / Math.Sqrt(config.Dim);
        var hiddenBound = 1.0 / Math.Sqrt(config.ExpertDim);
        // Routing stays float32 whatever the matmul precision: small score differences decide the experts.
        _router = new Projection("router", config.Dim, (config.ModalityRouting ? Modalities : 1) * config.Experts, new ComputePrecision());
        // Looked up by name whenever used: moving the module to another device replaces the buffer's tensor.
        register_buffer("routing_bias", zeros(config.Experts));
        register_module("shared", _shared);
        register_parameter("experts_gate_up", nn.Parameter(empty(config.Experts, config.Dim, 2 * config.ExpertDim).uniform_(-inBound, inBound)));
        register_parameter("experts_down", nn.Parameter(empty(config.Experts, config.ExpertDim, config.Dim).uniform_(-hiddenBound, hiddenBound)));
        register_module("router", _router);
    }

    /// <summary>
    /// Everything is registered by hand under PyTorch's names. Left to itself, TorchSharp also registers a module's
    /// fields by reflection when it has not called RegisterComponents (as <c>_attention</c>, <c>_gateUp</c>), and
    /// state_dict, and so every checkpoint, held each tensor twice.
    /// </summary>
    protected override void RegisterComponents()
    {
    }

    /// <summary>[E, D, 2H] the experts' gate and up projections, stacked (looked up by name: moving the module replaces it).</summary>
    private Tensor ExpertsGateUp => get_parameter("experts_gate_up")!;

    /// <summary>[E, H, D] the experts' down projections, stacked.</summary>
    private Tensor ExpertsDown => get_parameter("experts_down")!;

    /// <summary>The per-expert selection bias (a buffer: saved in checkpoints, not trained by the optimizer).</summary>
    public Tensor Bias => get_buffer("routing_bias")!;

    /// <param name="x">[N, D] tokens</param>
    /// <param name="batch">which tokens are routed (not padding) and with which router</param>
    public (Tensor Output, RoutingStats Stats) Forward(Tensor x, TrainingBatch batch)
    {
        using var scope = NewDisposeScope();
        var output = _shared.forward(x);
        var count = batch.Counts.Routed;
        if (count == 0)
        {
            var none = zeros(_expertCount, dtype: int64, device: x.device);
            var stats0 = new RoutingStats(zeros([], device: x.device).MoveToOuterDisposeScope(), none.MoveToOuterDisposeScope(), zeros([Modalities, _expertCount], dtype: int64, device: x.device).MoveToOuterDisposeScope());
            return (output.MoveToOuterDisposeScope(), stats0);
        }

        var tokens = x.index_select(0, batch.RoutedIndex);
        var routerIndex = _modalityRouting ? batch.RouterIndex : zeros_like(batch.RouterIndex);
        var logits = _router.forward(tokens.to(float32)).view(count, _modalityRouting ? Modalities : 1, _expertCount)
            .gather(1, routerIndex.view(count, 1, 1).expand(count, 1, _expertCount)).squeeze(1);
        var probabilities = nn.functional.softmax(logits, -1);
        // The bias steers the choice only: it never reaches the weights or the gradient.
        var chosen = (probabilities.detach() + Bias).topk(_topK, dim: -1, largest: true, sorted: true).indexes;
        var weights = probabilities.gather(1, chosen);
        weights = weights / weights.sum(-1, keepdim: true);

        var slots = chosen.flatten();
        var (sortedExperts, order) = slots.sort(stable: true);
        var expertTokens = slots.bincount(null, _expertCount);
        // The one host round trip of the layer: the buffer's size. Dropless, so it is the busiest expert's load.
        var capacity = (expertTokens.max().item<long>() + CapacityStep - 1) / CapacityStep * CapacityStep;
        var starts = expertTokens.cumsum(0) - expertTokens;
        var rank = arange(count * _topK, dtype: int64, device: x.device) - starts.index_select(0, sortedExperts);
        var place = (sortedExperts * capacity) + rank;
        var sortedTokens = order.div(_topK, rounding_mode: RoundingMode.floor);
        var buffer = zeros([_expertCount * capacity, x.shape[1]], dtype: _precision.MatmulType ?? x.dtype, device: x.device)
            .index_copy(0, place, _precision.Cast(tokens.index_select(0, sortedTokens)));
        var gateUp = _precision.Cast(buffer.view(_expertCount, capacity, -1)).bmm(_precision.Cast(ExpertsGateUp));
        var hidden = nn.functional.silu(gateUp.narrow(-1, 0, _hidden)) * gateUp.narrow(-1, _hidden, _hidden);
        var expertOutput = hidden.bmm(_precision.Cast(ExpertsDown)).view(_expertCount * capacity, -1);
        var perSlot = zeros([count * _topK, x.shape[1]], dtype: expertOutput.dtype, device: x.device)
            .index_copy(0, order, expertOutput.index_select(0, place));
        var combined = (perSlot.view(count, _topK, -1) * weights.unsqueeze(-1)).sum(1);
        output = output.index_add(0, batch.RoutedIndex, combined.to(output.dtype), 1);

        var fraction = expertTokens.to(float32) / (count * _topK);
        var auxLoss = _expertCount * (fraction * probabilities.mean([0])).sum();
        var slotModality = batch.RouterIndex.repeat_interleave(_topK);
        var byModality = ((slotModality * _expertCount) + slots).bincount(null, Modalities * _expertCount).view(Modalities, _expertCount);
        var stats = new RoutingStats(auxLoss.MoveToOuterDisposeScope(), expertTokens.MoveToOuterDisposeScope(), byModality.MoveToOuterDisposeScope());
        return (output.MoveToOuterDisposeScope(), stats);
    }

    /// <summary>
    /// DeepSeek-V3's update: each expert's bias moves toward the mean load (up when under-loaded), by
    /// <paramref name="rate"/> (<c>sign</c>) or by rate × (mean − load)/mean (<c>proportional</c>).
    /// </summary>
    public void UpdateBias(Tensor expertTokens, double rate, string rule = "sign")
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var load = expertTokens.to(float32);
        var mean = load.mean();
        var shortfall = rule == "proportional" ? (mean - load) / mean.clamp_min(1) : (mean - load).sign();
        Bias.add_(shortfall * rate);
    }
}
