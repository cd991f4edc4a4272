using DataForge.Training.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace DataForge.Training.Model;

/// <summary>
/// Grouped-query self-attention with rotary positions, per document: the tokens of each bucket of the batch's
/// <see cref="AttentionLayout"/> are gathered into a [documents, heads, length, headDim] batch and attended with
/// PyTorch's scaled-dot-product attention under a plain causal mask (flash attention on CUDA in bf16), then scattered
/// back. No token attends across a document boundary, and no L×L mask is ever built.
/// </summary>
public sealed class Attention : nn.Module
{
    private readonly Projection _query;
    private readonly Projection _key;
    private readonly Projection _value;
    private readonly Projection _output;
    private readonly ComputePrecision _precision;
    private readonly int _heads;
    private readonly int _kvHeads;
    private readonly int _headDim;

    public Attention(string name, ModelConfig config, ComputePrecision precision) : base(name)
    {
        (_heads, _kvHeads, _headDim, _precision) = (config.Heads, config.KvHeads, config.HeadDim, precision);
        _query = new Projection("query", config.Dim, _heads * _headDim, precision);
        _key = new Projection("key", config.Dim, _kvHeads * _headDim, precision);
        _value = new Projection("value", config.Dim, _kvHeads * _headDim, precision);
        _output = new Projection("output", _heads * _headDim, config.Dim, precision);
        register_module("query", _query);
        register_module("key", _key);
        register_module("value", _value);
        register_module("output", _output);
    }

    /// <summary>
    /// Everything is registered by hand under PyTorch's names. Left to itself, TorchSharp also registers a module's
    /// fields by reflection when it has not called RegisterComponents (as <c>_attention</c>, <c>_gateUp</c>), and
    /// state_dict, and so every checkpoint, held each tensor twice.
    /// </summary>
    protected override void RegisterComponents()
    {
    }

    /// <param name="x">[B, L, D]</param>
    /// <param name="cos">[B·L, 1, headDim]</param>
    /// <param name="sin">[B·L, 1, headDim]</param>
    /// <param name="layout">the batch's documents, bucketed</param>
    public Tensor Forward(Tensor x, Tensor cos, Tensor sin, AttentionLayout layout)
    {
        using var scope = NewDisposeScope();
        long batch = x.shape[0], length = x.shape[1];
        var q = Rotary.Apply(_query.forward(x).view(batch * length, _heads, _headDim), cos, sin);
        var k = Rotary.Apply(_key.forward(x).view(batch * length, _kvHeads, _headDim), cos, sin);
        var v = _value.forward(x).view(batch * length, _kvHeads, _headDim);
        var outputs = new List<Tensor>(layout.Buckets.Count + 1);
        foreach (var bucket in layout.Buckets)
        {
            var qb = Gather(q, bucket, _heads);
            var kb = Gather(k, bucket, _kvHeads);
            var vb = Gather(v, bucket, _kvHeads);
            if (_kvHeads != _heads)
            {
                kb = kb.repeat_interleave(_heads / _kvHeads, dim: 1);
                vb = vb.repeat_interleave(_heads / _kvHeads, dim: 1);
            }

            var attended = nn.functional.scaled_dot_product_attention(qb, kb, vb, is_casual: true);
            outputs.Add(attended.transpose(1, 2).reshape(bucket.Documents * bucket.Length, _heads * _headDim));
        }

        outputs.Add(zeros([1, _heads * _headDim], dtype: outputs.Count > 0 ? outputs[0].dtype : q.dtype, device: x.device));
        var placed = cat(outputs, 0).index_select(0, layout.Scatter).view(batch, length, _heads * _headDim);
        return _output.forward(placed).MoveToOuterDisposeScope();
    }

    /// <summary>[documents, heads, length, headDim] in the matmul precision, from flat [N, heads, headDim].</summary>
    private Tensor Gather(Tensor flat, AttentionBucket bucket, int heads) =>
        _precision.Cast(flat.index_select(0, bucket.Gather)).view(bucket.Documents, bucket.Length, heads, _headDim).transpose(1, 2);
}
