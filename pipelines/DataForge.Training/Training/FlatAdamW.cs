using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace DataForge.Training.Training;

/// <summary>
/// AdamW over one flat buffer: a fused optimizer where TorchSharp has none. Every trainable parameter becomes a view
/// into one contiguous float32 tensor, and its gradient a view into another (autograd accumulates into an existing
/// gradient in place, as DDP's gradient-as-bucket-view relies on), so gradient clipping and the whole AdamW update are
/// a dozen kernels per step, not a dozen per parameter. Matrices (two or more dimensions) come first and alone get
/// weight decay; norms' gains do not. The update is PyTorch's AdamW to the letter: decoupled decay
/// p ← p·(1 − lr·wd), m ← lerp(m, g, 1 − β₁), v ← β₂v + (1 − β₂)g², p ← p − lr/(1 − β₁ᵗ) · m / (√v/√(1 − β₂ᵗ) + ε).
/// </summary>
public sealed class FlatAdamW : IDisposable
{
    private readonly Tensor _parameters;
    private readonly Tensor _gradients;
    private readonly Tensor _exponentialAverage;
    private readonly Tensor _exponentialSquares;
    private readonly Tensor _scratch;
    private readonly long _decayed;
    private readonly double _beta1;
    private readonly double _beta2;
    private readonly double _epsilon;
    private readonly double _weightDecay;

    public FlatAdamW(IReadOnlyList<Parameter> parameters, double beta1, double beta2, double epsilon, double weightDecay)
    {
        (_beta1, _beta2, _epsilon, _weightDecay) = (beta1, beta2, epsilon, weightDecay);
        var ordered = parameters.Where(p => p.dim() >= 2).Concat(parameters.Where(p => p.dim() < 2)).ToList();
        _decayed = parameters.Where(p => p.dim() >= 2).Sum(p => p.numel());
        var total = ordered.Sum(p => p.numel());
        var device = parameters[0].device;
        _parameters = empty(total, dtype: float32, device: device);
        _gradients = zeros(total, dtype: float32, device: device);
        _exponentialAverage = zeros(total, dtype: float32, device: device);
        _exponentialSquares = zeros(total, dtype: float32, device: device);
        _scratch = empty(total, dtype: float32, device: device);
        using var noGrad = no_grad();
        long offset = 0;
        foreach (var parameter in ordered)
        {
            var count = parameter.numel();
            var view = _parameters.narrow(0, offset, count).view(parameter.shape);
            view.copy_(parameter);
            parameter.set_(view);
            parameter.grad = _gradients.narrow(0, offset, count).view(parameter.shape);
            offset += count;
        }
    }

    public long Count => _parameters.numel();

    /// <summary>Steps taken (the bias corrections' t).</summary>
    public long Steps { get; private set; }

    public void ZeroGrad() => _gradients.zero_();

    /// <summary>
    /// Clips the gradients to <paramref name="maxNorm"/> (PyTorch's rule: scale by min(1, max/(‖g‖ + 1e-6))), applies
    /// AdamW at <paramref name="learningRate"/>, and returns the norm before clipping, as a device scalar.
    /// </summary>
    public Tensor Step(double learningRate, double maxNorm)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var norm = _gradients.norm();
        _gradients.mul_((maxNorm / (norm + 1e-6)).clamp_max(1.0));
        Steps++;
        var correction1 = 1 - Math.Pow(_beta1, Steps);
        var correction2 = 1 - Math.Pow(_beta2, Steps);
        if (_weightDecay > 0 && _decayed > 0)
        {
            _parameters.narrow(0, 0, _decayed).mul_(1 - (learningRate * _weightDecay));
        }

        _exponentialAverage.lerp_(_gradients, 1 - _beta1);
        _exponentialSquares.mul_(_beta2).addcmul_(_gradients, _gradients, 1 - _beta2);
        // The denominator in a buffer kept for it: no parameter-sized temporaries at the step's peak.
        _scratch.copy_(_exponentialSquares).sqrt_().div_(Math.Sqrt(correction2)).add_(_epsilon);
        _parameters.addcdiv_(_exponentialAverage, _scratch, -learningRate / correction1);
        return norm.MoveToOuterDisposeScope();
    }

    /// <summary>The optimizer's state for a checkpoint: the moments (flat, in this optimizer's parameter order) and the step.</summary>
    public (Tensor ExponentialAverage, Tensor ExponentialSquares, long Steps) State => (_exponentialAverage, _exponentialSquares, Steps);

    public void Restore(Tensor exponentialAverage, Tensor exponentialSquares, long steps)
    {
        if (exponentialAverage.numel() != Count || exponentialSquares.numel() != Count)
        {
            throw new ArgumentException($"optimizer state holds {exponentialAverage.numel()} values; this model has {Count}");
        }

        using var noGrad = no_grad();
        _exponentialAverage.copy_(exponentialAverage);
        _exponentialSquares.copy_(exponentialSquares);
        Steps = steps;
    }

    public void Dispose()
    {
        _parameters.Dispose();
        _gradients.Dispose();
        _exponentialAverage.Dispose();
        _exponentialSquares.Dispose();
        _scratch.Dispose();
    }
}
