using DataForge.Testing;

namespace DataForge.Cli.Tests;

/// <summary>
/// `--device cuda`: the demo pipeline with its pack tokenized by the GPU kernel (in ILGPU's CPU simulator here, as CI
/// has no GPU) writes the CPU run's bytes; without a GPU it falls back to the CPU with a warning, to the same bytes.
/// </summary>
public sealed class GpuPackTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Tokenizing_on_the_gpu_or_falling_back_gives_the_cpu_runs_bytes()
    {
        var cpu = await CliProcess.RunAsync("run", "samples/pipelines/demo.yaml", "--output", _temp.Combine("cpu"), "--tasks", "2", "--workers", "2");
        Assert.True(cpu.ExitCode == 0, cpu.Stderr);

        var simulated = await CliProcess.RunAsync(
            ["run", "samples/pipelines/demo.yaml", "--output", _temp.Combine("gpu"), "--tasks", "2", "--workers", "2", "--device", "cuda", "-v"],
            new Dictionary<string, string> { ["DATAFORGE_GPU_SIMULATOR"] = "1" });
        Assert.True(simulated.ExitCode == 0, simulated.Stderr);
        Assert.Contains("pack: tokenizing on CPUAccelerator (ILGPU CPU simulator)", simulated.Stderr, StringComparison.Ordinal);

        var fallback = await CliProcess.RunAsync(
            ["run", "samples/pipelines/demo.yaml", "--output", _temp.Combine("fallback"), "--tasks", "2", "--workers", "2"],
            new Dictionary<string, string> { ["DATAFORGE_DEVICE"] = "cuda" });
        Assert.True(fallback.ExitCode == 0, fallback.Stderr);
        Assert.Contains("no CUDA device found", fallback.Stderr, StringComparison.Ordinal);
        Assert.Contains("tokenizing on the CPU instead", fallback.Stderr, StringComparison.Ordinal);

        var expected = EndToEndTests.Snapshot(_temp.Combine("cpu"));
        Assert.Contains(expected.Keys, key => key.StartsWith("shards/", StringComparison.Ordinal));
        EndToEndTests.AssertSameFiles(expected, _temp.Combine("gpu"));
        EndToEndTests.AssertSameFiles(expected, _temp.Combine("fallback"));
    }

    [Fact]
    public async Task An_unknown_device_is_a_usage_error()
    {
        var result = await CliProcess.RunAsync("pack", "samples/text", "--out", _temp.Combine("out"), "--device", "tpu");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--device tpu: use cpu or cuda", result.Stderr, StringComparison.Ordinal);
    }
}
