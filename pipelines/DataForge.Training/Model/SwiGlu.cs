using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace DataForge.Training.Model;

/// <summary>SwiGLU feed-forward: down(silu(gate(x)) · up(x)).</summary>
public sealed class SwiGlu : nn.Module<Tensor, Tensor>
{
    private readonly Linear _gate;
    private readonly Linear _up;
    private readonly Linear _down;

    public SwiGlu(string name, long dim, long hidden) : base(name)
    {
        _gate = nn.Linear(dim, hidden, hasBias: false);
        _up = nn.Linear(dim, hidden, hasBias: false);
        _down = nn.Linear(hidden, dim, hasBias: false);
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        return _down.forward(nn.functional.silu(_gate.forward(input)) * _up.forward(input)).MoveToOuterDisposeScope();
    }
}
