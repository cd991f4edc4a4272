using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace DataForge.Training.Model;

/// <summary>
/// A bias-free linear map y = x Wᵀ (W is [out, in], initialised like torch.nn.Linear: uniform ±1/√in) that runs in the
/// model's matmul precision.
/// </summary>
public sealed class Projection : nn.Module<Tensor, Tensor>
{
    private readonly ComputePrecision _precision;

    public Projection(string name, long inputs, long outputs, ComputePrecision precision) : base(name)
    {
        var bound = 1.0 / Math.Sqrt(inputs);
        _precision = precision;
        register_parameter("weight", nn.Parameter(empty(outputs, inputs).uniform_(-bound, bound)));
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
    public Tensor Weight => get_parameter("weight")!;

    public override Tensor forward(Tensor input) => nn.functional.linear(_precision.Cast(input), _precision.Cast(Weight));
}
