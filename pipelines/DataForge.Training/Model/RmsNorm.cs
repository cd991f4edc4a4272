using TorchSharp;
using static TorchSharp.torch;

namespace DataForge.Training.Model;

/// <summary>Root-mean-square layer norm with a learned gain (no mean subtraction, no bias).</summary>
public sealed class RmsNorm : nn.Module<Tensor, Tensor>
{
    private readonly double _eps;

    public RmsNorm(string name, long dim, double eps = 1e-6) : base(name)
    {
        _eps = eps;
        register_parameter("weight", nn.Parameter(ones(dim)));
    }

    /// <summary>
    /// Everything is registered by hand under PyTorch's names. Left to itself, TorchSharp also registers a module's
    /// fields by reflection when it has not called RegisterComponents (as <c>_attention</c>, <c>_gateUp</c>), and
    /// state_dict, and so every checkpoint, held each tensor twice.
    /// </summary>
    protected override void RegisterComponents()
    {
    }

    /// <summary>Looked up by name at each use: moving the module to a device replaces the parameter's tensor.</summary>
    private Tensor Weight => get_parameter("weight")!;

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var scale = rsqrt(input.pow(2).mean([-1], keepdim: true) + _eps);
        return (input * scale * Weight).MoveToOuterDisposeScope();
    }
}
