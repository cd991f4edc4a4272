using DataForge.Training.Data;
using DataForge.Training.Media;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace DataForge.Training.Model;

/// <summary>What a forward pass gives: the hidden states after the final norm, and each MoE layer's routing.</summary>
public sealed record ForwardResult(Tensor Hidden, IReadOnlyList<RoutingStats> Routing);

/// <summary>
/// The bundled omni-modal sparse MoE language model (a small relative of Ming-flash-omni / Ling 2.0): token
/// embeddings, <see cref="ModelConfig.Layers"/> decoder blocks (dense first, MoE after), a final RMSNorm and an
/// output head (tied to the embeddings by default). Logits are computed only where a loss is taken
/// (<see cref="Logits"/>), since a full [B, L, V] tensor for a 100k vocabulary would dwarf the model.
/// </summary>
public sealed class OmniMoeModel : nn.Module
{
    private readonly Embedding _embedding;
    private readonly ModuleList<DecoderBlock> _blocks;
    private readonly RmsNorm _norm;
    private readonly Projection? _head;
    private readonly VisionEncoder _vision;
    private readonly AudioEncoder _audio;
    private readonly ModelConfig _config;
    private readonly ComputePrecision _precision = new();

    public OmniMoeModel(ModelConfig config) : base("omni_moe")
    {
        _config = config;
        _embedding = nn.Embedding(config.VocabSize, config.Dim);
        _blocks = nn.ModuleList([.. Enumerable.Range(0, config.Layers).Select(layer => new DecoderBlock($"block{layer}", config, sparse: layer > 0, _precision))]);
        _norm = new RmsNorm("norm", config.Dim);
        _vision = new VisionEncoder("vision", config);
        _audio = new AudioEncoder("audio", config);
        if (!config.TieEmbeddings)
        {
            _head = new Projection("head", config.Dim, config.VocabSize, _precision);
        }

        // Registered by hand so the parameters' names (and checkpoints' tensor names) read like PyTorch's:
        // embedding.weight, blocks.3.moe.experts_gate_up, head.weight, …
        register_module("embedding", _embedding);
        register_module("blocks", _blocks);
        register_module("norm", _norm);
        register_module("vision", _vision);
        register_module("audio", _audio);
        if (_head is not null)
        {
            register_module("head", _head);
        }

        using (no_grad())
        {
            _embedding.weight!.normal_(0, 0.02);
        }
    }

    /// <summary>
    /// Everything is registered by hand under PyTorch's names. Left to itself, TorchSharp also registers a module's
    /// fields by reflection when it has not called RegisterComponents (as <c>_attention</c>, <c>_gateUp</c>), and
    /// state_dict, and so every checkpoint, held each tensor twice.
    /// </summary>
    protected override void RegisterComponents()
    {
    }

    public ModelConfig Config => _config;

    /// <summary>The matmul precision (fp32 by default; bf16 for CUDA training).</summary>
    public ComputePrecision Precision => _precision;

    public IEnumerable<MixtureOfExperts> MoeLayers => _blocks.Select(block => block.Moe).OfType<MixtureOfExperts>();

    /// <summary>The hidden states of a batch (after the final norm) and each MoE layer's routing.</summary>
    public ForwardResult Forward(TrainingBatch batch)
    {
        using var scope = NewDisposeScope();
        var (cos, sin) = Rotary.Angles(batch.Positions, _config.HeadDim, _config.RopeTheta);
        var x = WithMedia(_embedding.forward(batch.InputIds), batch.Images, batch.Audio);
        var routing = new List<RoutingStats>();
        foreach (var block in _blocks)
        {
            var (output, stats) = block.Forward(x, cos, sin, batch);
            x = output;
            if (stats is not null)
            {
                routing.Add(new RoutingStats(stats.AuxLoss.MoveToOuterDisposeScope(), stats.ExpertTokens.MoveToOuterDisposeScope(), stats.ModalityExpertTokens.MoveToOuterDisposeScope()));
            }
        }

        return new ForwardResult(_norm.forward(x).MoveToOuterDisposeScope(), routing);
    }

    /// <summary>Placeholder embeddings replaced by the encoders' features (one image or recording at a time: a loop over media, not tokens).</summary>
    private Tensor WithMedia(Tensor embedded, IReadOnlyList<ImageInput> images, IReadOnlyList<AudioInput> audio)
    {
        if (images.Count + audio.Count == 0)
        {
            return embedded;
        }

        var features = new List<Tensor>();
        var at = new List<long>();
        foreach (var image in images)
        {
            features.Add(_vision.Forward(image));
            at.AddRange(image.Positions);
        }

        foreach (var recording in audio)
        {
            features.Add(_audio.Forward(recording));
            at.AddRange(recording.Positions);
        }

        var flat = embedded.reshape(-1, embedded.shape[^1]).index_copy(0, tensor(at.ToArray()).to(embedded.device), cat(features, 0).to(embedded.dtype));
        return flat.view(embedded.shape);
    }

    /// <summary>Logits for selected hidden states [N, D] → [N, V], float32 (computed in the matmul precision).</summary>
    public Tensor Logits(Tensor hidden) =>
        (_head is null ? nn.functional.linear(_precision.Cast(hidden), _precision.Cast(_embedding.weight!)) : _head.forward(hidden)).to(float32);
}
