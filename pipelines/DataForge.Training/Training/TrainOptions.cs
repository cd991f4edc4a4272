namespace DataForge.Training.Training;

/// <summary>How a run trains: schedule, batch, checkpoints, evaluation. Model shape comes from the preset plus overrides.</summary>
public sealed record TrainOptions
{
    public string Preset { get; init; } = "tiny";

    /// <summary>cpu, or cuda (needs a CUDA libtorch loaded first: see LibTorchLoader).</summary>
    public string Device { get; init; } = "cpu";

    /// <summary>Matmul precision: fp32, bf16, or auto (bf16 on CUDA, fp32 on the CPU).</summary>
    public string Precision { get; init; } = "auto";

    /// <summary>Write RUN/init.safetensors, the weights before the first step.</summary>
    public bool SaveInitialWeights { get; init; }

    public int Steps { get; init; } = 100;

    /// <summary>Packed rows per micro-batch.</summary>
    public int BatchSize { get; init; } = 1;

    /// <summary>Micro-batches per optimizer step.</summary>
    public int Accumulation { get; init; } = 1;

    public double LearningRate { get; init; } = 3e-3;

    /// <summary>
    /// The command line's default peak for the small preset: at 3e-3 its routers collapsed onto one or two experts in the
    /// first ten steps on the GPU benchmark (load CV 2.65), faster than any bias update undoes.
    /// </summary>
    public const double SmallLearningRate = 5e-4;

    /// <summary>The cosine decays to this share of the peak learning rate.</summary>
    public double MinLearningRateRatio { get; init; } = 0.1;

    public int WarmupSteps { get; init; } = 10;

    public double WeightDecay { get; init; } = 0.1;

    public double ClipNorm { get; init; } = 1.0;

    public long Seed { get; init; }

    public int CheckpointEvery { get; init; } = 50;

    /// <summary>Target positions per chunk of the output head and loss (0: all at once); see ChunkedLoss.</summary>
    public int LossChunk { get; init; } = 8192;

    /// <summary>Rows in the shuffle buffer that mixes row groups (see ShardRows); 0 keeps row-group order.</summary>
    public int ShuffleBufferRows { get; init; } = Data.ShardRows.DefaultShuffleBuffer;

    /// <summary>Which shard files to read: auto (Arrow when the set has them), parquet or arrow.</summary>
    public string ShardFormat { get; init; } = Data.ShardRows.AutoFormat;

    public int EvalEvery { get; init; } = 25;

    /// <summary>Rows held out from the end of the last shard file for the evaluation loss.</summary>
    public int EvalRows { get; init; } = 1;

    /// <summary>CPU threads for TorchSharp (0: its default). Fixed thread counts keep CPU runs bit-reproducible.</summary>
    public int Threads { get; init; }

    /// <summary>Ranks of a data-parallel run (torchrun's WORLD_SIZE); above 1 the shards must divide into them evenly.</summary>
    public int WorldSize { get; init; } = 1;

    public double? AuxLossCoefficient { get; init; }

    public double? BiasUpdateRate { get; init; }

    public string? BiasUpdateRule { get; init; }

    public bool? ModalityRouting { get; init; }

    /// <summary>The precision this run uses on a device of <paramref name="device"/>'s type.</summary>
    public string PrecisionFor(TorchSharp.DeviceType device) => Precision == "auto" ? (device == TorchSharp.DeviceType.CUDA ? "bf16" : "fp32") : Precision;

    public IEnumerable<string> Validate()
    {
        if (Precision is not ("auto" or "fp32" or "bf16"))
        {
            yield return $"precision must be auto, fp32 or bf16 (not '{Precision}')";
        }

        if (ShardFormat is not (Data.ShardRows.AutoFormat or "parquet" or "arrow"))
        {
            yield return $"--shard-format must be auto, parquet or arrow, not '{ShardFormat}'";
        }

        if (Steps < 1 || BatchSize < 1 || Accumulation < 1 || CheckpointEvery < 1 || EvalEvery < 1 || EvalRows < 0 || WarmupSteps < 0 || Threads < 0 || ShuffleBufferRows < 0 || LossChunk < 0)
        {
            yield return "steps, batch_size, accumulation, checkpoint_every and eval_every must be positive; warmup_steps, eval_rows, threads, shuffle_buffer_rows and loss_chunk not negative";
        }

        if (AuxLossCoefficient < 0 || BiasUpdateRate < 0)
        {
            yield return "aux_loss and bias_rate must not be negative";
        }

        if (LearningRate <= 0 || MinLearningRateRatio is < 0 or > 1 || WeightDecay < 0 || ClipNorm <= 0)
        {
            yield return "learning_rate and clip_norm must be positive, min_learning_rate_ratio in [0, 1], weight_decay not negative";
        }
    }
}
