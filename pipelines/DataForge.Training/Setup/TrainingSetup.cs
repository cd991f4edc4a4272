using DataForge.Core;
using DataForge.Core.Media;
using DataForge.Core.Storage;
using DataForge.Training.Devices;
using DataForge.Training.Training;

namespace DataForge.Training.Setup;

/// <summary>
/// What a training run needs decided before the first step, whoever starts it (the CLI, a test, a job): options
/// checked as a whole, the device's libraries loaded, and the sample set that holds the shards' media found.
/// </summary>
public static class TrainingSetup
{
    /// <summary>The defaults of a preset: the small preset's peak learning rate differs (see <see cref="TrainOptions.SmallLearningRate"/>).</summary>
    public static TrainOptions Defaults(string preset) =>
        preset == "small" ? new TrainOptions { Preset = preset, LearningRate = TrainOptions.SmallLearningRate } : new TrainOptions { Preset = preset };

    /// <summary>Every problem with the options as one usage error, or nothing.</summary>
    public static void Check(TrainOptions options)
    {
        var problems = new List<string>();
        if (options.Preset is not ("tiny" or "small"))
        {
            problems.Add($"--preset {options.Preset}: use tiny or small");
        }

        if (options.Device is not ("cpu" or "cuda"))
        {
            problems.Add($"--device {options.Device}: use cpu or cuda");
        }

        problems.AddRange(options.Validate());
        if (problems.Count > 0)
        {
            throw new UsageException(string.Join("; ", problems));
        }
    }

    /// <summary>For cuda: finds and loads a CUDA libtorch; returns the line to show, or null on the CPU.</summary>
    public static string? PrepareDevice(string device, string? libtorch, Func<string, string?> environment)
    {
        if (device != "cuda")
        {
            return null;
        }

        var location = LibTorchLoader.Locate(libtorch, environment)
            ?? throw new UsageException($"--device cuda needs a CUDA libtorch: pass --libtorch DIR (a PyTorch torch/lib or a libtorch folder), set {LibTorchLoader.Variable}, or install PyTorch for python3");
        var devices = LibTorchLoader.LoadCuda(location);
        return $"cuda: {devices} device(s) through libtorch at {location.Directory} ({location.Source})";
    }

    /// <summary>The sample set holding the shards' media: the one named, else the shard folder itself when it has media/ (a mixture), else the shards' parent (the packer's default layout) when it has media/.</summary>
    public static async Task<IStorage?> MediaSetAsync(StorageFactory factory, string shardsUri, string? mediaUri, CancellationToken cancellationToken)
    {
        if (mediaUri is not null)
        {
            return factory.Open(mediaUri);
        }

        // dataforge mix writes media/ beside its shards; a pipeline's shards/ sit inside the sample set that holds it.
        var own = factory.Open(shardsUri);
        if (await MediaStore.HasMediaAsync(own, cancellationToken))
        {
            return own;
        }

        var parent = StoragePaths.Directory(shardsUri.Replace('\\', '/').TrimEnd('/'));
        if (parent.Length == 0 || parent.EndsWith(':'))
        {
            parent = StorageFactory.IsAzure(shardsUri) ? string.Empty : Path.GetDirectoryName(Path.GetFullPath(shardsUri)) ?? string.Empty;
        }

        if (parent.Length == 0)
        {
            return null;
        }

        var set = factory.Open(parent);
        return await MediaStore.HasMediaAsync(set, cancellationToken) ? set : null;
    }
}
