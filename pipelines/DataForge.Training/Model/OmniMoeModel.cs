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
    private readonly Linear? _head;
    private readonly VisionEncoder _vision;
    private readonly AudioEncoder _audio;
    private readonly ModelConfig _config;

    public OmniMoeModel(ModelConfig config) : base("omni_moe")
    {
        _config = config;
        _embedding = nn.Embedding(config.VocabSize, config.Dim);
        _blocks = nn.ModuleList([.. Enumerable.Range(0, config.Layers).Select(layer => new DecoderBlock($"block{layer}", config, sparse: layer > 0))]);
        _norm = new RmsNorm("norm", config.Dim);
        _vision = new VisionEncoder("vision", config);
        _audio = new AudioEncoder("audio", config);
        if (!config.TieEmbeddings)
        {
            _head = nn.Linear(config.Dim, config.VocabSize, hasBias: false);
        }

        RegisterComponents();
        using (no_grad())
        {
            _embedding.weight!.normal_(0, 0.02);
        }
    }

    public ModelConfig Config => _config;

    public IEnumerable<MixtureOfExperts> MoeLayers => _blocks.Select(block => block.Moe).OfType<MixtureOfExperts>();

    /// <param name="inputIds">[B, L] int64</param>
    /// <param name="positions">[3, B, L] (t, h, w) rotary positions</param>
    /// <param name="modality">[B, L] int64</param>
    /// <param name="mask">[B, 1, L, L] bool, block-diagonal causal</param>
    /// <param name="images">encoder inputs whose features replace the embeddings of their placeholder tokens</param>
    /// <param name="audio">likewise for audio placeholders</param>
    public ForwardResult Forward(Tensor inputIds, Tensor positions, Tensor modality, Tensor mask, IReadOnlyList<ImageInput>? images = null, IReadOnlyList<AudioInput>? audio = null)
    {
        using var scope = NewDisposeScope();
        var (cos, sin) = Rotary.Angles(positions, _config.HeadDim, _config.RopeTheta);
        var x = WithMedia(_embedding.forward(inputIds), images ?? [], audio ?? []);
        var routing = new List<RoutingStats>();
        foreach (var block in _blocks)
        {
            var (output, stats) = block.Forward(x, cos, sin, mask, modality);
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

    /// <summary>Logits for selected hidden states [N, D] → [N, V].</summary>
    public Tensor Logits(Tensor hidden) => _head is null ? hidden.matmul(_embedding.weight!.t()) : _head.forward(hidden);
}
