namespace DataForge.Training.Model;

/// <summary>
/// The model's shape: a decoder-only transformer (RMSNorm, grouped-query attention, SwiGLU, M-RoPE) whose
/// feed-forward is a dense SwiGLU in the first layer and a sparse mixture of experts after it (one shared expert plus
/// <see cref="Experts"/> routed ones, top-<see cref="TopK"/>). The vocabulary comes from the shards' index.json.
/// </summary>
public sealed record ModelConfig
{
    public int VocabSize { get; init; }

    public int Dim { get; init; } = 64;

    public int Layers { get; init; } = 2;

    public int Heads { get; init; } = 4;

    public int KvHeads { get; init; } = 2;

    /// <summary>Hidden size of the first layer's dense SwiGLU.</summary>
    public int FfnDim { get; init; } = 128;

    public int Experts { get; init; } = 4;

    public int TopK { get; init; } = 2;

    /// <summary>Hidden size of each expert (the shared one included).</summary>
    public int ExpertDim { get; init; } = 64;

    public double RopeTheta { get; init; } = 10_000;

    /// <summary>Switch/GShard load-balancing loss coefficient (0 turns it off).</summary>
    public double AuxLossCoefficient { get; init; } = 0.001;

    /// <summary>
    /// DeepSeek-V3 auxiliary-loss-free balancing: the per-expert routing bias moves this much per step (0 turns it off).
    /// DeepSeek-V3 uses 0.001 over many thousands of steps (the small preset); tiny runs are dozens of steps long, so
    /// tiny moves ten times faster.
    /// </summary>
    public double BiasUpdateRate { get; init; } = 0.01;

    /// <summary>
    /// How the bias moves: <c>sign</c> (DeepSeek-V3: ±rate toward the mean load) or <c>proportional</c> (rate × the
    /// expert's relative shortfall (mean − load)/mean: large steps far from balance, small ones near it). With 16 experts
    /// the selection is very sensitive to the bias (a 0.01 step moved about three mean loads of tokens on the GPU
    /// benchmark), so the sign rule oscillates; the proportional rule converges.
    /// </summary>
    public string BiasUpdateRule { get; init; } = "sign";

    /// <summary>One router per modality (text, image, audio), as in Ming-lite-omni; off: one router for all tokens.</summary>
    public bool ModalityRouting { get; init; } = true;

    public bool TieEmbeddings { get; init; } = true;

    /// <summary>Width, depth and heads of the ViT over image patches.</summary>
    public int VisionDim { get; init; } = 64;

    public int VisionLayers { get; init; } = 1;

    public int VisionHeads { get; init; } = 4;

    public int HeadDim => Dim / Heads;

    public static ModelConfig Preset(string name, int vocabSize) => name switch
    {
        "tiny" => new ModelConfig { VocabSize = vocabSize },
        "small" => new ModelConfig
        {
            VocabSize = vocabSize,
            Dim = 768,
            Layers = 12,
            Heads = 12,
            KvHeads = 4,
            FfnDim = 3072,
            Experts = 16,
            TopK = 2,
            ExpertDim = 768,
            TieEmbeddings = false,
            // A Switch coefficient of the usual size next to the bias update: at 500 M parameters the routers' drift
            // per step outruns a 0.01 bias step alone (measured by bench/gpu/train.sh).
            AuxLossCoefficient = 0.01,
            BiasUpdateRule = "proportional",
            BiasUpdateRate = 0.002,
            VisionDim = 384,
            VisionLayers = 4,
            VisionHeads = 6,
        },
        _ => throw new ArgumentException($"unknown preset '{name}' (tiny, small)", nameof(name)),
    };

    public IEnumerable<string> Validate()
    {
        if (VocabSize < 1 || Dim < 8 || Layers < 1 || Heads < 1 || KvHeads < 1 || FfnDim < 1 || ExpertDim < 1)
        {
            yield return "vocab_size, dim, layers, heads, kv_heads, ffn_dim and expert_dim must be positive (dim at least 8)";
        }

        if (Dim % Heads != 0 || Heads % KvHeads != 0 || HeadDim % 2 != 0)
        {
            yield return "dim must be a multiple of heads, heads of kv_heads, and the head size even";
        }

        if (VisionDim % 4 != 0 || VisionDim % VisionHeads != 0 || VisionLayers < 0)
        {
            yield return "vision_dim must be a multiple of 4 and of vision_heads";
        }

        if (BiasUpdateRule is not ("sign" or "proportional"))
        {
            yield return $"bias_update_rule must be sign or proportional (not '{BiasUpdateRule}')";
        }

        if (Experts < 1 || TopK < 1 || TopK > Experts)
        {
            yield return "top_k must be between 1 and experts";
        }
    }
}
