using System.Text.Json;
using DataForge.Core;
using DataForge.Training.Data;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace DataForge.Training.Training;

/// <summary>What a checkpoint holds besides the tensors: where training stands.</summary>
public sealed record CheckpointState(int Step, DataPosition Position);

/// <summary>
/// Checkpoints under <c>RUN/checkpoints/step-NNNNNN/</c>: model (parameters and buffers, routing biases included),
/// optimizer (AdamW moments and step counts), the RNG state, and the step and data position; <c>checkpoints/latest</c>
/// names the newest. A checkpoint folder is written under a temporary name and renamed, so a crash never leaves a
/// half checkpoint that resume would pick.
/// </summary>
public static class Checkpoints
{
    public const string Folder = "checkpoints";

    public static void Save(string runDirectory, nn.Module model, OptimizerHelper optimizer, CheckpointState state)
    {
        var root = Path.Combine(runDirectory, Folder);
        var name = $"step-{state.Step:D6}";
        var temporary = Path.Combine(root, $".{name}.tmp");
        if (Directory.Exists(temporary))
        {
            Directory.Delete(temporary, recursive: true);
        }

        Directory.CreateDirectory(temporary);
        model.save(Path.Combine(temporary, "model.bin"));
        optimizer.save_state_dict(Path.Combine(temporary, "optimizer.bin"));
        using (var rng = get_rng_state())
        {
            File.WriteAllBytes(Path.Combine(temporary, "rng.bin"), rng.data<byte>().ToArray());
        }

        File.WriteAllText(Path.Combine(temporary, "state.json"), JsonSerializer.Serialize(state, DataForgeJson.Indented));
        var target = Path.Combine(root, name);
        if (Directory.Exists(target))
        {
            Directory.Delete(target, recursive: true);
        }

        Directory.Move(temporary, target);
        var latest = Path.Combine(root, ".latest.tmp");
        File.WriteAllText(latest, name + "\n");
        File.Move(latest, Path.Combine(root, "latest"), overwrite: true);
    }

    /// <summary>The newest checkpoint's folder, or null when the run has none.</summary>
    public static string? Latest(string runDirectory)
    {
        var pointer = Path.Combine(runDirectory, Folder, "latest");
        if (!File.Exists(pointer))
        {
            return null;
        }

        var folder = Path.Combine(runDirectory, Folder, File.ReadAllText(pointer).Trim());
        return Directory.Exists(folder) ? folder : throw new DataForgeException($"{pointer} names {folder}, which is missing");
    }

    public static CheckpointState Load(string folder, nn.Module model, OptimizerHelper optimizer)
    {
        try
        {
            model.load(Path.Combine(folder, "model.bin"));
        }
        catch (ArgumentException e)
        {
            throw new DataForgeException($"{folder} does not fit this model ({e.Message.Split('.')[0]}): it was written for another preset, model option or DataForge version", e);
        }

        optimizer.load_state_dict(Path.Combine(folder, "optimizer.bin"));
        var rng = File.ReadAllBytes(Path.Combine(folder, "rng.bin"));
        using (var state = tensor(rng, dtype: uint8))
        {
            set_rng_state(state);
        }

        return JsonSerializer.Deserialize<CheckpointState>(File.ReadAllText(Path.Combine(folder, "state.json")), DataForgeJson.Indented)
            ?? throw new DataForgeException($"{folder}/state.json is empty");
    }
}
