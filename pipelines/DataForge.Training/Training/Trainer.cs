using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using DataForge.Core;
using DataForge.Core.Storage;
using DataForge.Packing.Shards;
using DataForge.Training.Data;
using DataForge.Training.Media;
using DataForge.Training.Model;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace DataForge.Training.Training;

/// <summary>How a run ended: steps done, the last training and evaluation losses, and throughput.</summary>
/// <summary>A shard set to train on: its name in a blend (empty alone), its weight, and the sample set holding its media.</summary>
public sealed record TrainingSet(string Name, IStorage Shards, double Weight, IStorage? Media);

/// <param name="Stopped">the run stopped early (a stop was requested, or its time was up) at <paramref name="Steps"/>, after writing a checkpoint there</param>
public sealed record TrainSummary(int Steps, double LastLoss, double? LastEvalLoss, double TokensPerSecond, string RunDirectory, bool Stopped = false);

/// <summary>
/// Trains the bundled MoE model on packed shards: AdamW with warm-up and cosine decay, gradient clipping and
/// accumulation, the Switch auxiliary loss and the DeepSeek-V3 bias update, a held-out loss every
/// <see cref="TrainOptions.EvalEvery"/> steps, checkpoints every <see cref="TrainOptions.CheckpointEvery"/> steps and at
/// the end, and one JSON line of metrics per step in <c>RUN/metrics.jsonl</c>. Resuming loads the newest checkpoint
/// and continues exactly: same data position, optimizer state, schedule and routing biases (on CPU the loss curve
/// equals the uninterrupted run's).
/// </summary>
public sealed class Trainer(TrainOptions options, Action<string> progress)
{
    public const string MetricsFile = "metrics.jsonl";
    public const string ConfigFile = "run.json";

    /// <summary>The weights before the first step (with <see cref="TrainOptions.SaveInitialWeights"/>): another implementation can start from them.</summary>
    public const string InitialWeightsFile = "init.safetensors";

    /// <param name="media">the sample set the shards were packed from (its media/ feeds the image and audio encoders); null: placeholders keep their token embeddings</param>
    public Task<TrainSummary> RunAsync(IStorage shards, string runDirectory, bool resume, CancellationToken cancellationToken, IStorage? media = null) =>
        RunAsync([new TrainingSet(string.Empty, shards, 1, media)], runDirectory, resume, cancellationToken);

    /// <summary>
    /// Trains on one shard set or on a blend of several (<c>train --data 0.45 A 0.45 B 0.1 C</c>): every set must share
    /// seq_len, tokenizer and layout; each holds out its own evaluation rows and brings its own media.
    /// </summary>
    /// <param name="stopRequested">when cancelled, the run stops before its next step and writes a checkpoint at the step reached</param>
    /// <param name="stopAfter">the same once this much time has passed since the first step began (a job's time limit)</param>
    public async Task<TrainSummary> RunAsync(
        IReadOnlyList<TrainingSet> sets, string runDirectory, bool resume, CancellationToken cancellationToken, CancellationToken stopRequested = default, TimeSpan? stopAfter = null)
    {
        if (options.Threads > 0)
        {
            set_num_threads(options.Threads);
        }

        var opened = new List<ShardRows>();
        foreach (var (set, number) in sets.Select((set, number) => (set, number)))
        {
            var shardRows = await ShardRows.OpenAsync(set.Shards, options.Seed + number, options.EvalRows, cancellationToken, options.ShuffleBufferRows, shardFormat: options.ShardFormat);
            if (shardRows.TrainRows < 1)
            {
                throw new DataForgeException($"{set.Shards.Uri} holds {shardRows.Index.Rows} rows; at least one is needed for training besides the {shardRows.EvalRows} held out");
            }

            if (opened.Count > 0 && BlendProblem(opened[0].Index, shardRows.Index) is { } problem)
            {
                throw new UsageException($"--data: {set.Shards.Uri} and {sets[0].Shards.Uri} cannot train together: {problem}");
            }

            opened.Add(shardRows);
        }

        if (options.WorldSize > 1)
        {
            CheckRanks(sets, opened, options.WorldSize);
        }

        var rows = opened[0];
        var config = ModelConfig.Preset(options.Preset, rows.Index.Tokenizer.VocabSize) with { };
        config = config with
        {
            AuxLossCoefficient = options.AuxLossCoefficient ?? config.AuxLossCoefficient,
            BiasUpdateRate = options.BiasUpdateRate ?? config.BiasUpdateRate,
            BiasUpdateRule = options.BiasUpdateRule ?? config.BiasUpdateRule,
            ModalityRouting = options.ModalityRouting ?? config.ModalityRouting,
        };
        var problems = config.Validate().ToList();
        if (problems.Count > 0)
        {
            throw new UsageException($"model: {string.Join("; ", problems)}");
        }

        Directory.CreateDirectory(runDirectory);
        var metricsPath = Path.Combine(runDirectory, MetricsFile);
        manual_seed(options.Seed);
        var device = options.Device == "cuda" ? CUDA : CPU;
        using var model = new OmniMoeModel(config);
        if (device.type != DeviceType.CPU)
        {
            model.to(device);
        }

        model.Precision.MatmulType = ComputePrecision.Parse(options.PrecisionFor(device.type));
        var parameters = model.parameters().ToList();
        using var optimizer = new FlatAdamW(parameters, 0.9, 0.95, 1e-8, options.WeightDecay);
        var state = new CheckpointState(0, new DataPosition(0, 0));
        if (Checkpoints.Latest(runDirectory) is { } checkpoint)
        {
            if (!resume)
            {
                throw new UsageException($"{runDirectory} already holds a run (checkpoint {Path.GetFileName(checkpoint)}); pass --resume to continue it or choose another --out");
            }

            state = Checkpoints.Load(checkpoint, model, optimizer);
            TruncateMetrics(metricsPath, state.Step);
            progress($"resumed from {Path.GetFileName(checkpoint)} (epoch {state.Position.Epoch}, {state.Position.Rows} rows into it)");
        }
        else
        {
            if (File.Exists(metricsPath))
            {
                File.Delete(metricsPath);
            }

            if (options.SaveInitialWeights)
            {
                Checkpoints.SaveWeights(Path.Combine(runDirectory, InitialWeightsFile), model);
            }
        }

        await File.WriteAllTextAsync(Path.Combine(runDirectory, ConfigFile), RunDescription(config, sets, opened).ToJsonString(DataForgeJson.Indented), cancellationToken);
        var weights = sets.Sum(set => set.Weight);
        var sources = new List<TrainingSource>();
        var evalRows = new List<(ShardRow Row, MediaLoader? Media)>();
        for (var s = 0; s < sets.Count; s++)
        {
            var mediaLoader = MediaLoader.For(sets[s].Media, opened[s].Index, Path.Combine(Path.GetTempPath(), "dataforge", $"train-{Guid.NewGuid():N}"));
            var evalMedia = MediaLoader.For(sets[s].Media, opened[s].Index, Path.Combine(Path.GetTempPath(), "dataforge", $"eval-{Guid.NewGuid():N}"));
            sources.Add(new TrainingSource(sets[s].Name, opened[s], sets[s].Weight / weights, mediaLoader));
            evalRows.AddRange((await opened[s].EvalAsync(cancellationToken)).Select(row => (row, evalMedia)));
            progress($"media{(sets.Count > 1 ? $" of {sets[s].Name}" : string.Empty)}: {(mediaLoader is null ? "none (placeholders train as tokens)" : sets[s].Media!.Uri)}");
        }

        var blend = sets.Count > 1 ? $"; a blend of {string.Join(", ", sources.Select(source => string.Create(CultureInfo.InvariantCulture, $"{source.Name} {source.Share:P1}")))} by tokens" : string.Empty;
        progress($"model: {parameters.Sum(p => p.numel()):N0} parameters ({config.Layers} layers, d={config.Dim}, {config.Experts} experts top-{config.TopK} + 1 shared), {model.Precision.Name} matmuls on {device.type.ToString().ToLowerInvariant()}; {opened.Sum(set => set.TrainRows)} training rows of {rows.Index.SeqLen} tokens, {evalRows.Count} held out{(sets.Count == 1 && rows.DevSplit is { } dev ? $" (the {dev} split, never trained on)" : string.Empty)}{blend}");

        double lastLoss = double.NaN, tokensPerSecond = 0;
        double? lastEval = null;
        var trainingRows = sets.Count == 1 ? TrainingRows.SingleAsync(rows, state.Position, cancellationToken) : TrainingRows.BlendAsync(sources, state.Position, cancellationToken);
        await using var batches = new BatchStream(trainingRows, sources, options.BatchSize, pin: device.type == DeviceType.CUDA);
        await using var metrics = new StreamWriter(metricsPath, append: true) { NewLine = "\n" };
        var moeLayers = model.MoeLayers.ToList();
        var position = state.Position;
        var readBefore = opened.Sum(set => set.ReadTime.TotalSeconds);
        var elapsed = Stopwatch.StartNew();
        for (var step = state.Step; step < options.Steps; step++)
        {
            if (stopRequested.IsCancellationRequested || (step > state.Step && stopAfter is { } limit && elapsed.Elapsed >= limit))
            {
                // Between steps: the model, optimizer and data position are those after step `step`, so the
                // checkpoint resumes exactly (unless the last step just wrote one, or none ran since the start).
                if (step > state.Step && step % options.CheckpointEvery != 0)
                {
                    Checkpoints.Save(runDirectory, model, optimizer, new CheckpointState(step, position));
                }

                return new TrainSummary(step, lastLoss, lastEval, tokensPerSecond, runDirectory, Stopped: true);
            }

            var clock = Stopwatch.StartNew();
            var dataWait = TimeSpan.Zero;
            var learningRate = LearningRateSchedule.At(step, options.Steps, options.WarmupSteps, options.LearningRate, options.MinLearningRateRatio);
            optimizer.ZeroGrad();
            // Disposed by hand, not by a dispose scope: TorchSharp's scopes are per thread, and the awaits below may
            // resume on another thread (the loader's among them).
            using var lmTotal = zeros([], device: device);
            using var auxTotal = zeros([], device: device);
            using var load = zeros([Math.Max(1, moeLayers.Count), config.Experts], dtype: int64, device: device);
            using var modalityLoad = zeros([Math.Max(1, moeLayers.Count), MixtureOfExperts.Modalities, config.Experts], dtype: int64, device: device);
            long tokens = 0, images = 0, recordings = 0;
            double flops = 0;
            var rowIds = new List<long>();
            var sourceTokens = new long[sources.Count];
            for (var micro = 0; micro < options.Accumulation; micro++)
            {
                var waitStarted = Stopwatch.GetTimestamp();
                var next = await batches.NextAsync(cancellationToken);
                dataWait += Stopwatch.GetElapsedTime(waitStarted);
                using var batch = next.Batch.To(device);
                position = next.After;
                for (var s = 0; s < sourceTokens.Length; s++)
                {
                    sourceTokens[s] += next.SourceTokens[s];
                }
                using var scope = NewDisposeScope();
                var result = model.Forward(batch);
                var aux = result.Routing.Count == 0 ? zeros([], device: device) : stack(result.Routing.Select(r => r.AuxLoss)).sum();
                var lm = ChunkedLoss.Backward(model, result.Hidden, aux, batch, config.AuxLossCoefficient, 1.0 / options.Accumulation, options.LossChunk);
                using (no_grad())
                {
                    lmTotal.add_(lm.detach() / options.Accumulation);
                    auxTotal.add_(aux.detach() / options.Accumulation);
                    if (result.Routing.Count > 0)
                    {
                        load.add_(stack(result.Routing.Select(r => r.ExpertTokens)));
                        modalityLoad.add_(stack(result.Routing.Select(r => r.ModalityExpertTokens)));
                    }
                }

                tokens += batch.RealTokens;
                images += batch.Images.Count;
                recordings += batch.Audio.Count;
                flops += ModelFlops.PerStep(config, batch.Counts);
                rowIds.AddRange(batch.RowIds);
            }

            using var gradNorm = optimizer.Step(learningRate, options.ClipNorm);
            if (config.BiasUpdateRate > 0)
            {
                for (var layer = 0; layer < moeLayers.Count; layer++)
                {
                    moeLayers[layer].UpdateBias(load[layer], config.BiasUpdateRate, config.BiasUpdateRule);
                }
            }

            // The step's one wait for the device: everything above was queued without a host round trip.
            float[] scalars;
            List<long[]> loadCounts, modalityCounts;
            using (NewDisposeScope())
            {
                scalars = stack([lmTotal, auxTotal, gradNorm.to(float32)]).cpu().data<float>().ToArray();
                loadCounts = [.. load.cpu().data<long>().ToArray().Chunk(config.Experts).Take(moeLayers.Count)];
                modalityCounts = [.. modalityLoad.cpu().data<long>().ToArray().Chunk(MixtureOfExperts.Modalities * config.Experts).Take(moeLayers.Count)];
            }

            clock.Stop();
            double lmLoss = scalars[0], auxLoss = scalars[1], norm = scalars[2];
            tokensPerSecond = tokens / Math.Max(1e-9, clock.Elapsed.TotalSeconds);
            lastLoss = lmLoss;
            var line = new JsonObject
            {
                ["step"] = step + 1,
                ["loss"] = Round(lmLoss + (config.AuxLossCoefficient * auxLoss)),
                ["lm_loss"] = Round(lmLoss),
                ["aux_loss"] = Round(auxLoss),
                ["lr"] = learningRate,
                ["grad_norm"] = Round(norm),
                ["tokens"] = tokens,
                ["tokens_per_second"] = Math.Round(tokensPerSecond, 1),
                ["model_tflops"] = Math.Round(flops / Math.Max(1e-9, clock.Elapsed.TotalSeconds) / 1e12, 3),
                ["step_seconds"] = Math.Round(clock.Elapsed.TotalSeconds, 6),
                // Data loading: the step's wait for its batches, and the loader's time reading shards since the last step
                // (read ahead on its own task, so it overlaps the step unless the wait shows it).
                ["data_wait_seconds"] = Math.Round(dataWait.TotalSeconds, 6),
                ["data_read_seconds"] = Math.Round(opened.Sum(set => set.ReadTime.TotalSeconds) - readBefore, 6),
                ["expert_load"] = new JsonArray([.. loadCounts.Select(counts => (JsonNode)new JsonArray([.. counts.Select(c => JsonValue.Create(c))]))]),
                ["expert_load_cv"] = new JsonArray([.. loadCounts.Select(counts => JsonValue.Create(Round(CoefficientOfVariation(counts))))]),
                ["modality_expert_tokens"] = new JsonArray([.. modalityCounts.Select(counts => (JsonNode)new JsonArray([.. counts.Chunk(config.Experts).Select(row => (JsonNode)new JsonArray([.. row.Select(c => JsonValue.Create(c))]))]))]),
                ["epoch"] = position.Epoch,
                ["images"] = images,
                ["recordings"] = recordings,
                ["rows"] = new JsonArray([.. rowIds.Select(id => (JsonNode)JsonValue.Create(id))]),
            };
            if (sources.Count > 1)
            {
                var bySource = new JsonObject();
                for (var s = 0; s < sources.Count; s++)
                {
                    bySource[sources[s].Name] = sourceTokens[s];
                }

                line["source_tokens"] = bySource;
            }

            if (evalRows.Count > 0 && ((step + 1) % options.EvalEvery == 0 || step + 1 == options.Steps))
            {
                lastEval = Evaluate(model, evalRows, device);
                line["eval_loss"] = Round(lastEval.Value);
            }

            readBefore = opened.Sum(set => set.ReadTime.TotalSeconds);
            await metrics.WriteLineAsync(line.ToJsonString(DataForgeJson.Compact));
            await metrics.FlushAsync(cancellationToken);
            var done = step + 1 - state.Step;
            var eta = TimeSpan.FromSeconds(elapsed.Elapsed.TotalSeconds / done * (options.Steps - step - 1));
            progress(string.Create(CultureInfo.InvariantCulture, $"step {step + 1}/{options.Steps}  loss {lmLoss:0.0000}  aux {auxLoss:0.000}  lr {learningRate:0.00e0}  grad {norm:0.00}  {tokensPerSecond:0} tok/s  load cv {string.Join(" ", loadCounts.Select(c => CoefficientOfVariation(c).ToString("0.00", CultureInfo.InvariantCulture)))}{(line["eval_loss"] is { } shownEval ? $"  eval {shownEval}" : string.Empty)}  elapsed {Durations.Format(elapsed.Elapsed)}  eta {Durations.Format(eta)}"));
            if ((step + 1) % options.CheckpointEvery == 0 || step + 1 == options.Steps)
            {
                Checkpoints.Save(runDirectory, model, optimizer, new CheckpointState(step + 1, position));
            }
        }

        return new TrainSummary(options.Steps, lastLoss, lastEval, tokensPerSecond, runDirectory);
    }

    /// <summary>Mean cross-entropy over the positions that have a target; logits only there.</summary>
    public static Tensor LanguageModelLoss(OmniMoeModel model, Tensor hidden, TrainingBatch batch)
    {
        if (batch.Counts.Targets == 0)
        {
            return hidden.sum() * 0;
        }

        // Its own scope: the [targets, vocabulary] logits' extra copies go as soon as the loss exists, as in PyTorch.
        using var scope = NewDisposeScope();
        var states = hidden.reshape(-1, hidden.shape[^1]).index_select(0, batch.TargetIndex);
        return nn.functional.cross_entropy(model.Logits(states), batch.TargetIds).MoveToOuterDisposeScope();
    }

    private static double Evaluate(OmniMoeModel model, IReadOnlyList<(ShardRow Row, MediaLoader? Media)> rows, Device device)
    {
        using var noGrad = no_grad();
        double total = 0;
        long count = 0;
        foreach (var (row, media) in rows)
        {
            using var scope = NewDisposeScope();
            using var batch = TrainingBatch.From([row], media).To(device);
            var result = model.Forward(batch);
            var targets = batch.Counts.Targets;
            if (targets > 0)
            {
                total += LanguageModelLoss(model, result.Hidden, batch).item<float>() * targets;
                count += targets;
            }
        }

        return count == 0 ? double.NaN : total / count;
    }

    public static double CoefficientOfVariation(long[] counts)
    {
        var mean = counts.Average();
        if (mean == 0)
        {
            return 0;
        }

        var variance = counts.Sum(c => (c - mean) * (c - mean)) / counts.Length;
        return Math.Sqrt(variance) / mean;
    }

    private static double Round(double value) => Math.Round(value, 6);

    private static void TruncateMetrics(string path, int step)
    {
        if (!File.Exists(path))
        {
            return;
        }

        var kept = File.ReadAllLines(path).Where(line => JsonNode.Parse(line)?["step"]?.GetValue<int>() <= step).ToList();
        File.WriteAllText(path, kept.Count == 0 ? string.Empty : string.Join('\n', kept) + "\n");
    }

    private JsonObject RunDescription(ModelConfig config, IReadOnlyList<TrainingSet> sets, IReadOnlyList<ShardRows> opened)
    {
        var rows = opened[0];
        var description = new JsonObject
        {
            ["format"] = "dataforge.train-run",
            ["dataforge_version"] = DataForgeJson.DataForgeVersion,
            ["shards"] = sets[0].Shards.Uri,
            ["seq_len"] = rows.Index.SeqLen,
            ["train_rows"] = opened.Sum(set => set.TrainRows),
            ["eval_rows"] = opened.Sum(set => set.EvalRows),
            ["eval_split"] = rows.DevSplit,
            ["tokenizer"] = rows.Index.Tokenizer.Name,
            ["model"] = JsonSerializer.SerializeToNode(config, TrainingJson.Options),
            ["options"] = JsonSerializer.SerializeToNode(options, TrainingJson.Options),
        };
        if (sets.Count > 1)
        {
            var total = sets.Sum(set => set.Weight);
            description["data"] = new JsonArray([.. sets.Select((set, s) => (JsonNode)new JsonObject
            {
                ["name"] = set.Name,
                ["shards"] = set.Shards.Uri,
                ["weight"] = set.Weight,
                ["share"] = Math.Round(set.Weight / total, 6),
                ["train_rows"] = opened[s].TrainRows,
            })]);
        }

        return description;
    }

    /// <summary>Why two shard sets cannot be blended in one run (their rows would mean different things), or null.</summary>
    public static string? BlendProblem(ShardIndex first, ShardIndex other) =>
        first.SeqLen != other.SeqLen ? $"seq_len {other.SeqLen} and {first.SeqLen}"
        : first.Tokenizer.Fingerprint != other.Tokenizer.Fingerprint ? $"tokenizer {other.Tokenizer.Name} and {first.Tokenizer.Name} (their fingerprints differ)"
        : first.Layout.TokenMeaning() != other.Layout.TokenMeaning() ? $"layout ({other.Layout.TokenMeaning()}) and ({first.Layout.TokenMeaning()})"
        : null;

    /// <summary>
    /// A data-parallel run needs every rank to get the same number of rows, or one rank waits in a collective for the
    /// others forever at the end of an epoch: a set that does not divide is refused by name (pack or mix with --ranks N).
    /// </summary>
    private static void CheckRanks(IReadOnlyList<TrainingSet> sets, IReadOnlyList<ShardRows> opened, int worldSize)
    {
        for (var s = 0; s < sets.Count; s++)
        {
            var trainingRows = opened[s].TrainingFileRows;
            if (trainingRows % worldSize != 0)
            {
                throw new UsageException(string.Create(CultureInfo.InvariantCulture, $"{sets[s].Shards.Uri}{(opened[s].Index.Splits is not null ? " (its train split and unsplit rows)" : string.Empty)}: {trainingRows:N0} training rows do not divide into {worldSize} ranks ({trainingRows % worldSize} left over); pack or mix with --ranks {worldSize}"));
            }
        }

        throw new UsageException($"WORLD_SIZE={worldSize}: the shards divide evenly, but data-parallel training across ranks is not in this version (it trains on one device)");
    }
}
