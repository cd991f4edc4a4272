using TorchSharp;
using static TorchSharp.torch;

namespace DataForge.Training.Model;

/// <summary>SwiGLU feed-forward: down(silu(gate(x)) · up(x)), gate and up as one [2·hidden, dim] projection.</summary>
public sealed class SwiGlu : nn.Module<Tensor, Tensor>
{
    private readonly Projection _gateUp;
    private readonly Projection _down;
    private readonly long _hidden;

    public SwiGlu(string name, long dim, long hidden, ComputePrecision precision) : base(name)
    {
        _hidden = hidden;
        _gateUp = new Projection("gate_up", dim, 2 * hidden, precision);
        _down = new Projection("down", hidden, dim, precision);
        register_module("gate_up", _gateUp);
        register_module("down", _down);
    }

    /// <summary>
    /// Everything is registered by hand under PyTorch's names. Left to itself, TorchSharp also registers a module's
    /// fields by reflection when it has not called RegisterComponents (as <c>_attention</c>, <c>_gateUp</c>), and
    /// state_dict, and so every checkpoint, held each tensor twice.
    /// </summary>
    protected override void RegisterComponents()
    {
    }

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var gateUp = _gateUp.forward(input);
        var hidden = nn.functional.silu(gateUp.narrow(-1, 0, _hidden)) * gateUp.narrow(-1, _hidden, _hidden);
        return _down.forward(hidden).MoveToOuterDisposeScope();
    }
}
