using DataForge.Training.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace DataForge.Training.Model;

/// <summary>Pre-norm transformer block: attention, then a dense SwiGLU (first layer) or a mixture of experts.</summary>
public sealed class DecoderBlock : nn.Module
{
    private readonly RmsNorm _attentionNorm;
    private readonly Attention _attention;
    private readonly RmsNorm _ffnNorm;
    private readonly SwiGlu? _dense;
    private readonly MixtureOfExperts? _moe;

    public DecoderBlock(string name, ModelConfig config, bool sparse, ComputePrecision precision) : base(name)
    {
        _attentionNorm = new RmsNorm("attention_norm", config.Dim);
        _attention = new Attention("attention", config, precision);
        _ffnNorm = new RmsNorm("ffn_norm", config.Dim);
        if (sparse)
        {
            _moe = new MixtureOfExperts("moe", config, precision);
        }
        else
        {
            _dense = new SwiGlu("dense", config.Dim, config.FfnDim, precision);
        }

        // Registered by hand so the parameters' names (and checkpoints' tensor names) read like PyTorch's.
        register_module("attention_norm", _attentionNorm);
        register_module("attention", _attention);
        register_module("ffn_norm", _ffnNorm);
        if (_moe is not null)
        {
            register_module("moe", _moe);
        }
        else
        {
            register_module("dense", _dense!);
        }
    }

    /// <summary>
    /// Everything is registered by hand under PyTorch's names. Left to itself, TorchSharp also registers a module's
    /// fields by reflection when it has not called RegisterComponents (as <c>_attention</c>, <c>_gateUp</c>), and
    /// state_dict, and so every checkpoint, held each tensor twice.
    /// </summary>
    protected override void RegisterComponents()
    {
    }

    public MixtureOfExperts? Moe => _moe;

    public (Tensor Output, RoutingStats? Stats) Forward(Tensor x, Tensor cos, Tensor sin, TrainingBatch batch)
    {
        using var scope = NewDisposeScope();
        var h = x + _attention.Forward(_attentionNorm.forward(x), cos, sin, batch.Layout);
        var normed = _ffnNorm.forward(h);
        if (_moe is null)
        {
            return ((h + _dense!.forward(normed).to(h.dtype)).MoveToOuterDisposeScope(), null);
        }

        var shape = normed.shape;
        var (routed, stats) = _moe.Forward(normed.reshape(-1, shape[^1]), batch);
        var result = h + routed.view(shape).to(h.dtype);
        return (result.MoveToOuterDisposeScope(), new RoutingStats(stats.AuxLoss.MoveToOuterDisposeScope(), stats.ExpertTokens.MoveToOuterDisposeScope(), stats.ModalityExpertTokens.MoveToOuterDisposeScope()));
    }
}
