namespace DataForge.Packing.Tokenization.Gpu;

/// <summary>Seconds the GPU tokenizer spent in each step so far (for benchmarks: where the time goes).</summary>
public readonly record struct GpuTimings(double Prepare, double Upload, double Kernel, double Download, double Gather)
{
    public static GpuTimings operator -(GpuTimings a, GpuTimings b) =>
        new(a.Prepare - b.Prepare, a.Upload - b.Upload, a.Kernel - b.Kernel, a.Download - b.Download, a.Gather - b.Gather);

    public static GpuTimings operator +(GpuTimings a, GpuTimings b) =>
        new(a.Prepare + b.Prepare, a.Upload + b.Upload, a.Kernel + b.Kernel, a.Download + b.Download, a.Gather + b.Gather);
}
