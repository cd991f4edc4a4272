using System.CommandLine;
using System.Diagnostics;
using System.Runtime.InteropServices;
using DataForge.Core;
using DataForge.Packing.Tokenization.Gpu;
using DataForge.Training.Devices;
using TorchSharp;

namespace DataForge.Cli.Commands;

/// <summary>
/// <c>dataforge doctor [--libtorch DIR]</c>: what this machine gives DataForge — .NET, ffmpeg, the libtorch the trainer
/// would use (a CUDA one found as <c>train --device cuda</c> finds it, else the bundled CPU build), CUDA devices, and the
/// CUDA devices ILGPU finds for the GPU tokenizer.
/// </summary>
public static class DoctorCommand
{
    public static Command Create(CliContext app)
    {
        var libtorch = new Option<string?>("--libtorch") { Description = "check this CUDA libtorch folder instead of the default search" };
        var command = new Command("doctor", "report .NET, ffmpeg, libtorch, GPU and ILGPU devices as DataForge finds them") { libtorch };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var output = app.Stdout;
            await output.WriteLineAsync($"dataforge   {DataForgeJson.DataForgeVersion}");
            await output.WriteLineAsync($".NET        {RuntimeInformation.FrameworkDescription} on {RuntimeInformation.OSDescription} ({RuntimeInformation.OSArchitecture}), {Environment.ProcessorCount} cores");
            await output.WriteLineAsync($"ffmpeg      {FirstLine("ffmpeg", "-version") ?? "not found (the asr stage needs it: apt-get install ffmpeg)"}");
            var location = LibTorchLoader.Locate(parse.GetValue(libtorch), app.Environment);
            if (location is not null)
            {
                try
                {
                    var devices = LibTorchLoader.LoadCuda(location);
                    await output.WriteLineAsync($"libtorch    CUDA build at {location.Directory} ({location.Source}): {devices} CUDA device(s)");
                }
                catch (DataForgeException e)
                {
                    await output.WriteLineAsync($"libtorch    CUDA build at {location.Directory} ({location.Source}) does not load: {e.Message}");
                }
            }
            else
            {
                await output.WriteLineAsync($"libtorch    no CUDA build found (--libtorch, {LibTorchLoader.Variable}, python3 torch); train --device cuda will not work");
                try
                {
                    torch.InitializeDeviceType(DeviceType.CPU);
                    await output.WriteLineAsync($"            bundled CPU build loads ({LibTorchLoader.Shim()})");
                }
                catch (Exception e) when (e is DllNotFoundException or NotSupportedException or ExternalException or TypeInitializationException)
                {
                    await output.WriteLineAsync($"            bundled CPU build does not load: {e.Message.Split('\n')[0]}");
                }
            }

            await output.WriteLineAsync($"GPUs        {FirstLine("nvidia-smi", "--query-gpu=name,memory.total,driver_version", "--format=csv,noheader") ?? "none visible (nvidia-smi not found or no device)"}");
            var ilgpu = GpuTextEncoder.DescribeCudaDevices();
            await output.WriteLineAsync(ilgpu.Count == 0
                ? "ILGPU       no CUDA device (pack --device cuda will tokenize on the CPU)"
                : $"ILGPU       {string.Join("; ", ilgpu)} (pack --device cuda tokenizes there)");
            return DataForgeApp.Success;
        });
        return command;
    }

    private static string? FirstLine(string program, params string[] arguments)
    {
        try
        {
            var start = new ProcessStartInfo(program, arguments) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            using var process = Process.Start(start);
            if (process is null)
            {
                return null;
            }

            var text = process.StandardOutput.ReadToEnd();
            process.WaitForExit(10_000);
            return process.ExitCode == 0 ? text.Split('\n', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault()?.Trim() : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }
}
