using static TorchSharp.torch;

namespace DataForge.Training.Model;

/// <summary>
/// Mixed precision as PyTorch's CUDA autocast does it for this model's operations (TorchSharp 0.107 has no autocast):
/// weights and the residual stream stay float32; matrix products (projections, expert GEMMs, attention, the output
/// head) run in <see cref="MatmulType"/> with their inputs cast on the way in; norms, softmax, routing, rotary and the
/// loss stay float32. One instance is shared by a model's modules; null means float32 throughout (the CPU default).
/// </summary>
public sealed class ComputePrecision
{
    public ScalarType? MatmulType { get; set; }

    public string Name => MatmulType switch
    {
        null => "fp32",
        ScalarType.BFloat16 => "bf16",
        ScalarType.Float16 => "fp16",
        var other => other.ToString()!.ToLowerInvariant(),
    };

    /// <summary><paramref name="x"/> in the matmul type (itself when there is none or it already is).</summary>
    public Tensor Cast(Tensor x) => MatmulType is { } type && x.dtype != type ? x.to(type) : x;

    public static ScalarType? Parse(string name) => name switch
    {
        "fp32" => null,
        "bf16" => ScalarType.BFloat16,
        _ => throw new ArgumentException($"unknown precision '{name}' (fp32, bf16)", nameof(name)),
    };
}
