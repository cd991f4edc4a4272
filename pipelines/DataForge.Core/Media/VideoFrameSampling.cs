namespace DataForge.Core.Media;

/// <summary>
/// Which frames of a clip to sample at a target rate, by Qwen2-VL's rule (transformers' Qwen2VLVideoProcessor.sample_frames,
/// the fps branch, as recorded with its source in tests/video-reference/qwen2vl_sample_frames.json): the count is
/// total / source fps × target fps, clamped to [min frames, the largest multiple of the temporal patch not above max
/// frames or the total], cut down to a multiple of the temporal patch; the indices are torch.arange(0, total, total / count)
/// in float32, truncated to integers (so an inexact step can give one index more than the count, as the peer does).
/// For issue 24's read-video; the sampled frames are then paired two by two into the vision encoder's temporal patches.
/// </summary>
public static class VideoFrameSampling
{
    /// <summary>Qwen2-VL's temporal patch: two consecutive sampled frames make one patch.</summary>
    public const int TemporalPatchSize = 2;

    /// <summary>
    /// The frame indices to sample, or false when the clip is too short for one temporal patch at these settings (the
    /// peer divides by zero there; read-video gives the clip a reason instead).
    /// </summary>
    public static bool TrySample(long totalFrames, double sourceFps, double targetFps, int minFrames, int maxFrames, out long[] indices)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sourceFps);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(targetFps);
        ArgumentOutOfRangeException.ThrowIfNegative(minFrames);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxFrames, minFrames);
        indices = [];
        if (totalFrames <= 0)
        {
            return false;
        }

        // The peer's arithmetic in Python floats (IEEE doubles), step by step.
        var cap = Math.Floor(Math.Min(maxFrames, totalFrames) / (double)TemporalPatchSize) * TemporalPatchSize;
        var wanted = totalFrames / sourceFps * targetFps;
        wanted = Math.Min(Math.Min(Math.Max(wanted, minFrames), cap), totalFrames);
        var count = (long)(Math.Floor(wanted / TemporalPatchSize) * TemporalPatchSize);
        if (count <= 0)
        {
            return false;
        }

        // torch.arange with a float step: length ceil((end - start) / step) in double, element i = (float)(start + i × step)
        // computed in double (ATen's CPU range kernel accumulates floats in double), then .int() truncates toward zero.
        var step = totalFrames / (double)count;
        var length = (long)Math.Ceiling(totalFrames / step);
        indices = new long[length];
        for (var i = 0L; i < length; i++)
        {
            indices[i] = (long)(float)(i * step);
        }

        return true;
    }
}
