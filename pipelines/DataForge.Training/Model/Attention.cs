using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace DataForge.Training.Model;

/// <summary>
/// Grouped-query self-attention with rotary positions; the mask is block-diagonal causal (built from the row's
/// cu_seqlens), so no token attends across a document boundary.
/// </summary>
public sealed class Attention : nn.Module
{
    private readonly Linear _query;
    private readonly Linear _key;
    private readonly Linear _value;
    private readonly Linear _output;
    private readonly int _heads;
    private readonly int _kvHeads;
    private readonly int _headDim;

    public Attention(string name, ModelConfig config) : base(name)
    {
        (_heads, _kvHeads, _headDim) = (config.Heads, config.KvHeads, config.HeadDim);
        _query = nn.Linear(config.Dim, _heads * _headDim, hasBias: false);
        _key = nn.Linear(config.Dim, _kvHeads * _headDim, hasBias: false);
        _value = nn.Linear(config.Dim, _kvHeads * _headDim, hasBias: false);
        _output = nn.Linear(_heads * _headDim, config.Dim, hasBias: false);
        RegisterComponents();
    }

    /// <param name="x">[B, L, D]</param>
    /// <param name="cos">[B, 1, L, headDim]</param>
    /// <param name="sin">[B, 1, L, headDim]</param>
    /// <param name="mask">[B, 1, L, L], true where attention is allowed</param>
    public Tensor Forward(Tensor x, Tensor cos, Tensor sin, Tensor mask)
    {
        using var scope = NewDisposeScope();
        long batch = x.shape[0], length = x.shape[1];
        var q = _query.forward(x).view(batch, length, _heads, _headDim).transpose(1, 2);
        var k = _key.forward(x).view(batch, length, _kvHeads, _headDim).transpose(1, 2);
        var v = _value.forward(x).view(batch, length, _kvHeads, _headDim).transpose(1, 2);
        q = Rotary.Apply(q, cos, sin);
        k = Rotary.Apply(k, cos, sin);
        if (_kvHeads != _heads)
        {
            k = k.repeat_interleave(_heads / _kvHeads, dim: 1);
            v = v.repeat_interleave(_heads / _kvHeads, dim: 1);
        }

        var attended = nn.functional.scaled_dot_product_attention(q, k, v, attn_mask: mask);
        return _output.forward(attended.transpose(1, 2).reshape(batch, length, _heads * _headDim)).MoveToOuterDisposeScope();
    }
}
