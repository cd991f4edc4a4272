using DataForge.Training.Media;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace DataForge.Training.Model;

/// <summary>
/// Audio placeholders from log-mel frames (100 per second) through two stride-2 convolutions (25 per second, the
/// rate packing reserved tokens at) and a linear projection; cut or zero-padded to the placeholder count. The
/// convolutions are written as unfold + linear (the same arithmetic): libtorch's CPU conv1d tries NNPACK and warns on
/// every call on processors it does not support.
/// </summary>
public sealed class AudioEncoder : nn.Module
{
    private readonly Linear _first;
    private readonly Linear _second;
    private readonly Linear _projection;

    public AudioEncoder(string name, ModelConfig config) : base(name)
    {
        _first = nn.Linear(LogMel.Bins * 3, config.Dim);
        _second = nn.Linear(config.Dim * 3, config.Dim);
        _projection = nn.Linear(config.Dim, config.Dim);
        register_module("first", _first);
        register_module("second", _second);
        register_module("projection", _projection);
    }

    /// <summary>
    /// Everything is registered by hand under PyTorch's names. Left to itself, TorchSharp also registers a module's
    /// fields by reflection when it has not called RegisterComponents (as <c>_attention</c>, <c>_gateUp</c>), and
    /// state_dict, and so every checkpoint, held each tensor twice.
    /// </summary>
    protected override void RegisterComponents()
    {
    }

    /// <summary>[placeholders, D].</summary>
    public Tensor Forward(AudioInput audio)
    {
        using var scope = NewDisposeScope();
        var device = _projection.weight!.device;
        var mel = tensor(audio.Mel, [audio.Frames, LogMel.Bins]).to(device);
        // Log-mel values sit around -20..5; a fixed shift and scale keeps the first layer's inputs near unit size.
        var x = nn.functional.gelu(_first.forward(Windows((mel + 5) / 5)));
        x = nn.functional.gelu(_second.forward(Windows(x)));
        var tokens = audio.Positions.Length;
        x = x.shape[0] >= tokens ? x.narrow(0, 0, tokens) : cat([x, zeros(tokens - x.shape[0], x.shape[1], dtype: x.dtype, device: device)], 0);
        return _projection.forward(x).MoveToOuterDisposeScope();
    }

    /// <summary>[T, C] → [ceil(T / 2), 3C]: kernel-3, stride-2 windows with one frame of zero padding on each side.</summary>
    private static Tensor Windows(Tensor frames)
    {
        var padded = nn.functional.pad(frames, [0, 0, 1, 1]);
        var windows = padded.unfold(0, 3, 2);
        return windows.reshape(windows.shape[0], -1);
    }
}
