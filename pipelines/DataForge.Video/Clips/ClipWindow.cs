namespace DataForge.Video.Clips;

/// <summary>One clip's span in seconds from the video's first frame: [Start, End).</summary>
public readonly record struct ClipWindow(double Start, double End)
{
    public double Duration => End - Start;
}
