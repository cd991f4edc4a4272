using System.Globalization;
using System.Text.Json;
using DataForge.Core;
using DataForge.Training.Data;
using static TorchSharp.torch;

namespace DataForge.Training.Training;

/// <summary>What a checkpoint holds besides the tensors: where training stands.</summary>
public sealed record CheckpointState(int Step, DataPosition Position);

/// <summary>
/// Checkpoints under <c>RUN/checkpoints/step-NNNNNN/</c>: <c>model.safetensors</c> (parameters and buffers, routing biases
/// included, by their module names: PyTorch and Hugging Face tools open it), <c>optimizer.safetensors</c> (the AdamW
/// moments and step count), <c>rng.bin</c> (the CPU generator) and <c>state.json</c> (step and data position);
/// <c>checkpoints/latest</c> names the newest. A checkpoint folder is written under a temporary name and renamed, so a
/// crash never leaves a half checkpoint that resume would pick.
/// </summary>
public static class Checkpoints
{
    public const string Folder = "checkpoints";
    public const string ModelFile = "model.safetensors";
    public const string OptimizerFile = "optimizer.safetensors";

    public static void Save(string runDirectory, nn.Module model, FlatAdamW optimizer, CheckpointState state)
    {
        var root = Path.Combine(runDirectory, Folder);
        var name = $"step-{state.Step:D6}";
        var temporary = Path.Combine(root, $".{name}.tmp");
        if (Directory.Exists(temporary))
        {
            Directory.Delete(temporary, recursive: true);
        }

        Directory.CreateDirectory(temporary);
        SaveWeights(Path.Combine(temporary, ModelFile), model);
        var (average, squares, steps) = optimizer.State;
        SafeTensors.Write(
            Path.Combine(temporary, OptimizerFile),
            [("exp_avg", average), ("exp_avg_sq", squares)],
            new Dictionary<string, string> { ["steps"] = steps.ToString(CultureInfo.InvariantCulture), ["format"] = "dataforge.flat-adamw" });
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

    /// <summary>The model's parameters and buffers as safetensors, by name.</summary>
    public static void SaveWeights(string path, nn.Module model) =>
        SafeTensors.Write(path, model.state_dict().Select(pair => (pair.Key, pair.Value)));

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

    /// <summary>Copies a checkpoint's weights into <paramref name="model"/> in place (parameters keep their storage).</summary>
    public static void LoadWeights(string path, nn.Module model)
    {
        var stored = SafeTensors.Read(path);
        try
        {
            var own = model.state_dict();
            var missing = own.Keys.Where(key => !stored.ContainsKey(key)).ToList();
            var extra = stored.Keys.Where(key => !own.ContainsKey(key)).ToList();
            var misshapen = own.Where(pair => stored.TryGetValue(pair.Key, out var t) && !t.shape.SequenceEqual(pair.Value.shape)).Select(pair => pair.Key).ToList();
            if (missing.Count + extra.Count + misshapen.Count > 0)
            {
                var first = missing.Select(k => $"missing {k}").Concat(extra.Select(k => $"unexpected {k}")).Concat(misshapen.Select(k => $"other shape {k}")).First();
                throw new DataForgeException($"{path} does not fit this model ({first}; {missing.Count} missing, {extra.Count} unexpected, {misshapen.Count} of another shape): it was written for another preset, model option or DataForge version");
            }

            using var noGrad = no_grad();
            foreach (var (key, value) in own)
            {
                value.copy_(stored[key]);
            }
        }
        finally
        {
            foreach (var tensor in stored.Values)
            {
                tensor.Dispose();
            }
        }
    }

    public static CheckpointState Load(string folder, nn.Module model, FlatAdamW optimizer)
    {
        LoadWeights(Path.Combine(folder, ModelFile), model);
        var moments = SafeTensors.Read(Path.Combine(folder, OptimizerFile));
        var steps = SafeTensors.ReadMetadata(Path.Combine(folder, OptimizerFile)).TryGetValue("steps", out var text) && long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed)
            ? parsed
            : throw new DataForgeException($"{Path.Combine(folder, OptimizerFile)} has no step count in its metadata");
        try
        {
            optimizer.Restore(moments["exp_avg"], moments["exp_avg_sq"], steps);
        }
        catch (Exception e) when (e is ArgumentException or KeyNotFoundException)
        {
            throw new DataForgeException($"{folder}: {e.Message}", e);
        }
        finally
        {
            foreach (var tensor in moments.Values)
            {
                tensor.Dispose();
            }
        }

        var rng = File.ReadAllBytes(Path.Combine(folder, "rng.bin"));
        using (var state = tensor(rng, dtype: uint8))
        {
            set_rng_state(state);
        }

        var statePath = Path.Combine(folder, "state.json");
        CheckpointState? saved;
        try
        {
            saved = JsonSerializer.Deserialize<CheckpointState>(File.ReadAllText(statePath), DataForgeJson.Indented);
        }
        catch (JsonException e)
        {
            throw new DataForgeException($"{statePath} is not a checkpoint state: {e.Message.Split(" Path:")[0]}", e);
        }

        return saved is { Step: >= 0, Position: not null }
            ? saved
            : throw new DataForgeException($"{statePath} is not a checkpoint state (it needs a step of 0 or more and a data position)");
    }
}
