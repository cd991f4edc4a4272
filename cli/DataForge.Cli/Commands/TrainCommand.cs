using System.CommandLine;
using System.Globalization;
using DataForge.Core;
using DataForge.Core.Storage;
using DataForge.Training.Setup;
using DataForge.Training.Training;

namespace DataForge.Cli.Commands;

/// <summary>
/// <c>dataforge train --shards DIR | --data W DIR W DIR … | --mixture FILE --out DIR [--preset tiny|small] [--steps N] [--device cpu|cuda] [--resume]
/// [--batch-size N] [--accumulation N] [--lr X] [--seed N] [--checkpoint-every N] [--eval-every N] [--threads N]
/// [--precision auto|bf16|fp32] [--warmup N] [--save-init] [--stop-after DURATION]</c>:
/// trains the bundled sparse MoE model on packed shards.
/// </summary>
public static class TrainCommand
{
    public static Command Create(CliContext app)
    {
        var shards = new Option<string?>("--shards") { Description = "packed shard folder (index.json + shard-*.parquet), local or az://" };
        var data = new Option<string[]>("--data") { Description = "a blend of shard sets, Megatron's order: WEIGHT DIR WEIGHT DIR … (shares by real tokens; each set's media from beside it)", AllowMultipleArgumentsPerToken = true };
        var mixture = new Option<FileInfo?>("--mixture") { Description = "a mixture file (schemas/mixture.md) whose sources are shard sets: trains on their blend by its weights" };
        var output = new Option<string>("--out", "-o") { Description = "local folder for checkpoints, metrics.jsonl and run.json", Required = true };
        var preset = new Option<string>("--preset") { Description = "model size: tiny (CPU) or small (one GPU)", DefaultValueFactory = _ => "tiny" };
        var steps = new Option<int?>("--steps") { Description = "optimizer steps (default 100)" };
        var device = new Option<string>("--device") { Description = "cpu (default) or cuda", DefaultValueFactory = _ => "cpu" };
        var resume = new Option<bool>("--resume") { Description = "continue the run in --out from its newest checkpoint" };
        var batchSize = new Option<int?>("--batch-size") { Description = "packed rows per micro-batch (default 1)" };
        var accumulation = new Option<int?>("--accumulation") { Description = "micro-batches per step (default 1)" };
        var learningRate = new Option<double?>("--lr") { Description = "peak learning rate (default 3e-3 for tiny, 5e-4 for small)" };
        var seed = new Option<long?>("--seed") { Description = "initialisation and data order (default 0)" };
        var checkpointEvery = new Option<int?>("--checkpoint-every") { Description = "steps between checkpoints (default 50; always at the end)" };
        var evalEvery = new Option<int?>("--eval-every") { Description = "steps between held-out losses (default 25)" };
        var threads = new Option<int?>("--threads") { Description = "CPU threads (default: TorchSharp's)" };
        var auxLoss = new Option<double?>("--aux-loss") { Description = "Switch load-balancing loss coefficient (default 0.001; 0 turns it off)" };
        var biasRate = new Option<double?>("--bias-rate") { Description = "DeepSeek-V3 routing-bias step (tiny 0.01, small 0.002; 0 turns it off)" };
        var biasRule = new Option<string?>("--bias-rule") { Description = "how the bias moves: sign (DeepSeek-V3) or proportional to the expert's shortfall (tiny sign, small proportional)" };
        var noModalityRouting = new Option<bool>("--no-modality-routing") { Description = "one router for all modalities instead of one per modality" };
        var libtorch = new Option<string?>("--libtorch") { Description = "CUDA libtorch: a PyTorch torch/lib or libtorch folder (default: DATAFORGE_LIBTORCH, else python3's torch)" };
        var media = new Option<string?>("--media") { Description = "the sample set whose media/ the shards' images and audio are in (default: the shards' parent folder when it has media/)" };
        var noMedia = new Option<bool>("--no-media") { Description = "train image and audio placeholders as plain tokens, without the encoders" };
        var precision = new Option<string>("--precision") { Description = "matmul precision: auto (bf16 on cuda, fp32 on cpu), bf16 or fp32", DefaultValueFactory = _ => "auto" };
        var warmup = new Option<int?>("--warmup") { Description = "warm-up steps before the cosine decay (default 10)" };
        var shuffleBuffer = new Option<int?>("--shuffle-buffer") { Description = "rows in the buffer that mixes row groups each epoch (default 1024; 0: row-group order)" };
        var shardFormat = new Option<string?>("--shard-format") { Description = "which shard files to read: auto (the Arrow files when the set has them: memory-mapped, nothing to decode), parquet or arrow" };
        var lossChunk = new Option<int?>("--loss-chunk") { Description = "target positions per chunk of the output head and loss (default 8192; 0: all at once)" };
        var stopAfter = new Option<string?>("--stop-after") { Description = "stop cleanly once this much time has passed (90m, 2h, 1h30m, 3600, Slurm's d-hh:mm:ss): a checkpoint at the step reached, then --resume continues; for jobs with a time limit" };
        var saveInit = new Option<bool>("--save-init") { Description = "write OUT/init.safetensors, the weights before the first step (to start another implementation from them)" };
        var command = new Command("train", "train the bundled sparse MoE omni-modal model on packed shards")
        {
            shards, data, mixture, output, preset, steps, device, resume, batchSize, accumulation, learningRate, seed, checkpointEvery, evalEvery, threads, auxLoss, biasRate, biasRule, noModalityRouting, libtorch, media, noMedia, precision, warmup, saveInit, shuffleBuffer, shardFormat, lossChunk, stopAfter,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var defaults = TrainingSetup.Defaults(parse.GetValue(preset)!);
            var options = defaults with
            {
                Device = parse.GetValue(device)!,
                Steps = parse.GetValue(steps) ?? defaults.Steps,
                BatchSize = parse.GetValue(batchSize) ?? defaults.BatchSize,
                Accumulation = parse.GetValue(accumulation) ?? defaults.Accumulation,
                LearningRate = parse.GetValue(learningRate) ?? defaults.LearningRate,
                Seed = parse.GetValue(seed) ?? defaults.Seed,
                CheckpointEvery = parse.GetValue(checkpointEvery) ?? defaults.CheckpointEvery,
                EvalEvery = parse.GetValue(evalEvery) ?? defaults.EvalEvery,
                Threads = parse.GetValue(threads) ?? defaults.Threads,
                AuxLossCoefficient = parse.GetValue(auxLoss),
                BiasUpdateRate = parse.GetValue(biasRate),
                BiasUpdateRule = parse.GetValue(biasRule),
                ModalityRouting = parse.GetValue(noModalityRouting) ? false : null,
                Precision = parse.GetValue(precision)!,
                WarmupSteps = parse.GetValue(warmup) ?? defaults.WarmupSteps,
                SaveInitialWeights = parse.GetValue(saveInit),
                ShuffleBufferRows = parse.GetValue(shuffleBuffer) ?? defaults.ShuffleBufferRows,
                ShardFormat = parse.GetValue(shardFormat) ?? defaults.ShardFormat,
                LossChunk = parse.GetValue(lossChunk) ?? defaults.LossChunk,
                WorldSize = TrainingData.WorldSize(app.Environment),
            };
            TrainingSetup.Check(options);
            TimeSpan? timeLimit = null;
            if (parse.GetValue(stopAfter) is { } limitText)
            {
                timeLimit = Durations.Parse(limitText) ?? throw new UsageException($"--stop-after '{limitText}' is not a duration (90m, 2h, 1h30m, 3600, 1-00:00:00)");
            }

            if (TrainingSetup.PrepareDevice(options.Device, parse.GetValue(libtorch), app.Environment) is { } loaded)
            {
                await app.Stderr.WriteLineAsync(loaded);
            }

            var factory = new StorageFactory(app.Environment, Directory.GetCurrentDirectory());
            var sets = await TrainingData.ResolveAsync(factory, parse.GetValue(shards), parse.GetValue(data), parse.GetValue(mixture), parse.GetValue(media), parse.GetValue(noMedia), app.Environment, cancellationToken);
            var trainer = new Trainer(options, line => app.Stderr.WriteLine(line));
            // SIGINT / SIGTERM stop between steps with a checkpoint (a second signal aborts at once).
            if (app.Stop is { } stop)
            {
                stop.StopsAtBoundary = true;
            }

            var runDirectory = Path.GetFullPath(parse.GetValue(output)!);
            var summary = await trainer.RunAsync(sets, runDirectory, parse.GetValue(resume), cancellationToken, app.Stop?.Requested ?? CancellationToken.None, timeLimit);
            if (summary.Stopped)
            {
                var checkpoint = Path.Combine(runDirectory, Checkpoints.Folder, $"step-{summary.Steps:D6}");
                var kept = !Directory.Exists(checkpoint) ? "no step had finished, nothing to keep; rerun the same command" : string.Create(
                    CultureInfo.InvariantCulture,
                    $"step {summary.Steps} of {options.Steps} is kept (checkpoint {checkpoint}); resume with the same command and --resume");
                if (app.Stop?.Signal is not null)
                {
                    app.Stop.Kept = kept;
                    return DataForgeApp.Failure;
                }

                await app.Stdout.WriteLineAsync($"{parse.GetValue(output)}: stopped after {Durations.Format(timeLimit ?? TimeSpan.Zero)} (--stop-after): {kept}");
                return DataForgeApp.Success;
            }

            await app.Stdout.WriteLineAsync(string.Create(
                CultureInfo.InvariantCulture,
                $"{parse.GetValue(output)}: {summary.Steps} steps, loss {summary.LastLoss:0.0000}{(summary.LastEvalLoss is { } eval ? $", held-out loss {eval:0.0000}" : string.Empty)}, {summary.TokensPerSecond:0} tokens/s"));
            return DataForgeApp.Success;
        });
        return command;
    }
}
