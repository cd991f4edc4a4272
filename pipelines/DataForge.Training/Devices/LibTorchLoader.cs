using System.Diagnostics;
using System.Runtime.InteropServices;
using DataForge.Core;
using TorchSharp;

namespace DataForge.Training.Devices;

/// <summary>Where a CUDA-capable libtorch was found, and who said so.</summary>
public sealed record LibTorchLocation(string Directory, string Source);

/// <summary>
/// Loads a CUDA libtorch that is not TorchSharp's own (the CUDA builds are not on the registry here): a PyTorch
/// installation's <c>torch/lib</c> or a libtorch distribution's <c>lib</c>, named by <c>--libtorch</c>, by
/// <c>DATAFORGE_LIBTORCH</c>, or found through <c>python3 -c "import torch"</c>. The libraries are loaded by full path in
/// dependency order (c10, torch_cpu, c10_cuda, torch_cuda, torch), then TorchSharp's shim from DataForge's own
/// folder, then TorchSharp is initialised for CUDA. Each failure names the library and what to set.
/// </summary>
public static class LibTorchLoader
{
    public const string Variable = "DATAFORGE_LIBTORCH";

    private static readonly string[] Order = ["libc10.so", "libtorch_cpu.so", "libc10_cuda.so", "libtorch_cuda.so", "libtorch.so"];

    public static LibTorchLocation? Locate(string? option, Func<string, string?> environment)
    {
        if (!string.IsNullOrWhiteSpace(option))
        {
            return new LibTorchLocation(LibFolder(option), "--libtorch");
        }

        if (environment(Variable) is { Length: > 0 } fromVariable)
        {
            return new LibTorchLocation(LibFolder(fromVariable), Variable);
        }

        return PythonTorch() is { } fromPython ? new LibTorchLocation(fromPython, "python3 (import torch)") : null;
    }

    /// <summary>Loads the CUDA libtorch at <paramref name="location"/> and returns the number of CUDA devices.</summary>
    public static int LoadCuda(LibTorchLocation location)
    {
        foreach (var name in Order)
        {
            var path = Path.Combine(location.Directory, name);
            if (!File.Exists(path))
            {
                throw new DataForgeException($"{path} is missing: {location.Directory} (from {location.Source}) is not a CUDA libtorch lib folder; point --libtorch or {Variable} at a PyTorch torch/lib or libtorch/lib");
            }

            Load(path, location);
        }

        Load(Shim(), location);
        torch.InitializeDeviceType(DeviceType.CUDA);
        if (!torch.cuda.is_available())
        {
            throw new DataForgeException($"libtorch from {location.Directory} loaded, but it sees no CUDA device (driver, CUDA_VISIBLE_DEVICES?)");
        }

        return torch.cuda.device_count();
    }

    /// <summary>TorchSharp's native shim as the build placed it: beside DataForge (publish) or under runtimes/ (build).</summary>
    public static string Shim()
    {
        var beside = Path.Combine(AppContext.BaseDirectory, "libLibTorchSharp.so");
        return File.Exists(beside) ? beside : Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
    }

    private static void Load(string path, LibTorchLocation location)
    {
        try
        {
            NativeLibrary.Load(path);
        }
        catch (DllNotFoundException e)
        {
            throw new DataForgeException($"loading {path} failed ({e.Message.Split('\n')[0]}); libtorch from {location.Source}: {location.Directory}. Try LD_LIBRARY_PATH={location.Directory}", e);
        }
    }

    /// <summary>A libtorch distribution's root, a PyTorch package folder or the lib folder itself.</summary>
    private static string LibFolder(string path)
    {
        var full = Path.GetFullPath(path);
        return File.Exists(Path.Combine(full, "libtorch.so")) ? full : Path.Combine(full, "lib");
    }

    private static string? PythonTorch()
    {
        try
        {
            var start = new ProcessStartInfo("python3", ["-c", "import torch, os; print(os.path.join(os.path.dirname(torch.__file__), 'lib'))"])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            using var process = Process.Start(start);
            if (process is null)
            {
                return null;
            }

            var output = process.StandardOutput.ReadToEnd().Trim();
            if (!process.WaitForExit(30_000) || process.ExitCode != 0)
            {
                return null;
            }

            return Directory.Exists(output) ? output : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }
}
