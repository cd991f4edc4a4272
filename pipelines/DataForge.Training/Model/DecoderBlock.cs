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

    public DecoderBlock(string name, ModelConfig config, bool sparse) : base(name)
    {
        _attentionNorm = new RmsNorm("attention_norm", config.Dim);
        _attention = new Attention("attention", config);
        _ffnNorm = new RmsNorm("ffn_norm", config.Dim);
        if (sparse)
        {
            _moe = new MixtureOfExperts("moe", config);
        }
        else
        {
            _dense = new SwiGlu("dense", config.Dim, config.FfnDim);
        }

        RegisterComponents();
    }

    public MixtureOfExperts? Moe => _moe;

    public (Tensor Output, RoutingStats? Stats) Forward(Tensor x, Tensor cos, Tensor sin, Tensor mask, Tensor modality)
    {
        using var scope = NewDisposeScope();
        var h = x + _attention.Forward(_attentionNorm.forward(x), cos, sin, mask);
        var normed = _ffnNorm.forward(h);
        if (_moe is null)
        {
            return ((h + _dense!.forward(normed)).MoveToOuterDisposeScope(), null);
        }

        var shape = normed.shape;
        var (routed, stats) = _moe.Forward(normed.reshape(-1, shape[^1]), modality.reshape(-1));
        var result = h + routed.view(shape);
        return (result.MoveToOuterDisposeScope(), new RoutingStats(stats.AuxLoss.MoveToOuterDisposeScope(), stats.ExpertTokens.MoveToOuterDisposeScope(), stats.ModalityExpertTokens.MoveToOuterDisposeScope()));
    }
}
