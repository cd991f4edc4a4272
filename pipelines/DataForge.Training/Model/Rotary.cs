using static TorchSharp.torch;

namespace DataForge.Training.Model;

/// <summary>
/// Multimodal rotary embeddings (the M-RoPE of Qwen2-VL): the head's rotary pairs are split into three sections
/// driven by the shards' temporal, height and width positions. Text advances all three equally (plain RoPE, restarting
/// at each document as the shards' positions do); an image's placeholders get their row and column in the h and w
/// sections, so attention sees the grid.
/// </summary>
public static class Rotary
{
    /// <summary>Which section (0 t, 1 h, 2 w) each rotary pair belongs to: a quarter to t, the rest split between h and w.</summary>
    public static int[] Sections(int pairs)
    {
        var spatial = pairs * 3 / 8;
        var temporal = pairs - (2 * spatial);
        return [.. Enumerable.Repeat(0, temporal), .. Enumerable.Repeat(1, spatial), .. Enumerable.Repeat(2, spatial)];
    }

    /// <summary>cos and sin, [B·L, 1, headDim] (tokens flattened), for positions [3, B, L].</summary>
    public static (Tensor Cos, Tensor Sin) Angles(Tensor positions, int headDim, double theta)
    {
        using var scope = NewDisposeScope();
        var pairs = headDim / 2;
        var inverse = pow(theta, -arange(0, pairs, dtype: float64) * 2 / headDim).to(float32).to(positions.device);
        // One-hot [3, P]: which section each pair reads its position from. Built in one call, not one per pair
        // (this runs every forward).
        var sections = Sections(pairs);
        var oneHot = new float[3 * pairs];
        for (var p = 0; p < pairs; p++)
        {
            oneHot[(sections[p] * pairs) + p] = 1;
        }

        // [3, N, P] angles per section, each pair keeps its own section's.
        var selector = tensor(oneHot, [3, pairs]).to(positions.device);
        var all = positions.reshape(3, -1).to(float32).unsqueeze(-1) * inverse;
        var angles = (all * selector.unsqueeze(1)).sum(dim: 0);
        var doubled = cat([angles, angles], -1).unsqueeze(1);
        return (doubled.cos().MoveToOuterDisposeScope(), doubled.sin().MoveToOuterDisposeScope());
    }

    /// <summary>x · cos + rotate_half(x) · sin, for x [N, heads, headDim] (float32 out, whatever x's type).</summary>
    public static Tensor Apply(Tensor x, Tensor cos, Tensor sin)
    {
        using var scope = NewDisposeScope();
        var half = x.shape[^1] / 2;
        var first = x.narrow(-1, 0, half);
        var second = x.narrow(-1, half, half);
        var rotated = cat([-second, first], -1);
        return ((x * cos) + (rotated * sin)).MoveToOuterDisposeScope();
    }
}
