using DataForge.Core.Model;
using DataForge.Speech.Sources;
using DataForge.Video.Clips;
using DataForge.Video.Probe;

namespace DataForge.Video;

/// <summary>One video, probed and planned: its stream, frame clock, stored source, frame size, clips and subtitle cues.</summary>
public sealed record VideoPlan(
    string LocalPath,
    string Uri,
    string FileName,
    VideoStreamInfo Stream,
    FrameClock Clock,
    MediaRef Source,
    int FrameWidth,
    int FrameHeight,
    IReadOnlyList<ClipWindow> Clips,
    IReadOnlyList<SubtitleCue> Cues,
    bool VariableFrameRate)
{
    /// <summary>Frame <paramref name="index"/>'s time in file time (what players and subtitles count from 0).</summary>
    public double FileTime(int index) => Clock.Seconds(index) - Stream.FormatStartSeconds;
}
