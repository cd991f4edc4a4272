using DataForge.Training.Media;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace DataForge.Training.Model;

/// <summary>
/// A small ViT for the image placeholders (the ViT-MLP-LLM adapter of Qwen-VL / MiMo-VL): 14-px patches embedded
/// linearly with fixed 2-D sine positions, transformer blocks with full attention among one image's patches, then
/// every 2×2 patch group merged and projected by an MLP to one token of the language model (28 px per token, the grid
/// packing assumed).
/// </summary>
public sealed class VisionEncoder : nn.Module
{
    private readonly Linear _patchEmbedding;
    private readonly ModuleList<EncoderBlock> _blocks;
    private readonly RmsNorm _norm;
    private readonly Linear _mergeIn;
    private readonly Linear _mergeOut;
    private readonly int _dim;

    public VisionEncoder(string name, ModelConfig config) : base(name)
    {
        _dim = config.VisionDim;
        _patchEmbedding = nn.Linear(ImageInput.PatchValues, _dim);
        _blocks = nn.ModuleList([.. Enumerable.Range(0, config.VisionLayers).Select(i => new EncoderBlock($"block{i}", _dim, config.VisionHeads))]);
        _norm = new RmsNorm("norm", _dim);
        _mergeIn = nn.Linear(4 * _dim, config.Dim);
        _mergeOut = nn.Linear(config.Dim, config.Dim);
        register_module("patch_embedding", _patchEmbedding);
        register_module("blocks", _blocks);
        register_module("norm", _norm);
        register_module("merge_in", _mergeIn);
        register_module("merge_out", _mergeOut);
    }

    /// <summary>
    /// Everything is registered by hand under PyTorch's names. Left to itself, TorchSharp also registers a module's
    /// fields by reflection when it has not called RegisterComponents (as <c>_attention</c>, <c>_gateUp</c>), and
    /// state_dict, and so every checkpoint, held each tensor twice.
    /// </summary>
    protected override void RegisterComponents()
    {
    }

    /// <summary>[rows · columns, D]: one feature per placeholder, in grid order.</summary>
    public Tensor Forward(ImageInput image)
    {
        using var scope = NewDisposeScope();
        var device = _patchEmbedding.weight!.device;
        var patches = tensor(image.Patches, [image.Rows * image.Columns * 4, ImageInput.PatchValues]).to(device);
        var x = _patchEmbedding.forward(patches) + Positions(image.Rows, image.Columns, _dim).to(device);
        foreach (var block in _blocks)
        {
            x = block.forward(x.unsqueeze(0)).squeeze(0);
        }

        var merged = _norm.forward(x).reshape(image.Rows * image.Columns, 4 * _dim);
        return _mergeOut.forward(nn.functional.gelu(_mergeIn.forward(merged))).MoveToOuterDisposeScope();
    }

    /// <summary>Fixed 2-D sine-cosine positions of the patches, in the merge-group order the loader lays them out in.</summary>
    private static Tensor Positions(int rows, int columns, int dim)
    {
        var quarter = dim / 4;
        var values = new float[rows * columns * 4 * dim];
        var at = 0;
        for (var r = 0; r < rows; r++)
        {
            for (var c = 0; c < columns; c++)
            {
                foreach (var (dy, dx) in new[] { (0, 0), (0, 1), (1, 0), (1, 1) })
                {
                    int y = (2 * r) + dy, x = (2 * c) + dx;
                    for (var i = 0; i < quarter; i++)
                    {
                        var frequency = Math.Pow(10_000, -i / (double)quarter);
                        values[at + i] = (float)Math.Sin(y * frequency);
                        values[at + quarter + i] = (float)Math.Cos(y * frequency);
                        values[at + (2 * quarter) + i] = (float)Math.Sin(x * frequency);
                        values[at + (3 * quarter) + i] = (float)Math.Cos(x * frequency);
                    }

                    at += dim;
                }
            }
        }

        return tensor(values, [rows * columns * 4, dim]);
    }
}

/// <summary>A pre-norm encoder block with full (bidirectional) attention: for image patches.</summary>
public sealed class EncoderBlock : nn.Module<Tensor, Tensor>
{
    private readonly RmsNorm _attentionNorm;
    private readonly Linear _qkv;
    private readonly Linear _output;
    private readonly RmsNorm _ffnNorm;
    private readonly SwiGlu _ffn;
    private readonly int _heads;

    public EncoderBlock(string name, int dim, int heads) : base(name)
    {
        _heads = heads;
        _attentionNorm = new RmsNorm("attention_norm", dim);
        _qkv = nn.Linear(dim, 3 * dim, hasBias: false);
        _output = nn.Linear(dim, dim, hasBias: false);
        _ffnNorm = new RmsNorm("ffn_norm", dim);
        _ffn = new SwiGlu("ffn", dim, 2 * dim, new ComputePrecision());
        register_module("attention_norm", _attentionNorm);
        register_module("qkv", _qkv);
        register_module("output", _output);
        register_module("ffn_norm", _ffnNorm);
        register_module("ffn", _ffn);
    }

    /// <summary>
    /// Everything is registered by hand under PyTorch's names. Left to itself, TorchSharp also registers a module's
    /// fields by reflection when it has not called RegisterComponents (as <c>_attention</c>, <c>_gateUp</c>), and
    /// state_dict, and so every checkpoint, held each tensor twice.
    /// </summary>
    protected override void RegisterComponents()
    {
    }

    /// <param name="input">[B, N, D]</param>
    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        long batch = input.shape[0], count = input.shape[1], dim = input.shape[2];
        var qkv = _qkv.forward(_attentionNorm.forward(input)).view(batch, count, 3, _heads, dim / _heads).permute(2, 0, 3, 1, 4);
        var attended = nn.functional.scaled_dot_product_attention(qkv[0], qkv[1], qkv[2]);
        var h = input + _output.forward(attended.transpose(1, 2).reshape(batch, count, dim));
        return (h + _ffn.forward(_ffnNorm.forward(h))).MoveToOuterDisposeScope();
    }
}
