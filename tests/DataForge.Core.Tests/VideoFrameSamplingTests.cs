using System.Text.Json;
using DataForge.Core.Media;
using DataForge.Testing;

namespace DataForge.Core.Tests;

/// <summary>
/// Frame sampling against Qwen2-VL's own: tests/video-reference/qwen2vl_sample_frames.json holds 792 cases computed by
/// transformers 5.17.0's Qwen2VLVideoProcessor.sample_frames (Apache-2.0; made by make_expected.py beside it on the GPU
/// machine, source recorded in the file), frame counts 1-7201, sources of 10-60 fps, targets of 0.5-4 fps and three
/// min/max caps; the cases the peer refuses (division by zero) must be refused here too.
/// </summary>
public sealed class VideoFrameSamplingTests
{
    [Fact]
    public void Indices_equal_qwen2_vl_sample_frames_on_every_recorded_case()
    {
        using var reference = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(RepositoryRoot.Path, "tests", "video-reference", "qwen2vl_sample_frames.json")));
        Assert.Equal(VideoFrameSampling.TemporalPatchSize, reference.RootElement.GetProperty("temporal_patch_size").GetInt32());
        int checkedCases = 0, refused = 0;
        foreach (var @case in reference.RootElement.GetProperty("cases").EnumerateArray())
        {
            var total = @case.GetProperty("total_frames").GetInt64();
            var sourceFps = @case.GetProperty("video_fps").GetDouble();
            var fps = @case.GetProperty("fps").GetDouble();
            var min = @case.GetProperty("min_frames").GetInt32();
            var max = @case.GetProperty("max_frames").GetInt32();
            var expected = @case.GetProperty("indices");
            var sampled = VideoFrameSampling.TrySample(total, sourceFps, fps, min, max, out var indices);
            var label = $"total {total}, {sourceFps} fps, target {fps}, frames {min}-{max}";
            if (expected.ValueKind == JsonValueKind.Object)
            {
                Assert.False(sampled, $"{label}: the peer refuses ({expected.GetProperty("error").GetString()}), DataForge sampled {indices.Length}");
                refused++;
            }
            else
            {
                Assert.True(sampled, $"{label}: refused where the peer samples");
                Assert.Equal(expected.EnumerateArray().Select(index => index.GetInt64()).ToArray(), indices);
            }

            checkedCases++;
        }

        Assert.Equal(792, checkedCases);
        Assert.Equal(72, refused);
    }
}
