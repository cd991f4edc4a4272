namespace DataForge.Video.Frames;

/// <summary>The size sampled frames are stored at: the displayed size, scaled down (never up) under a pixel cap, even sides.</summary>
public static class FrameSize
{
    public static (int Width, int Height) Under(int width, int height, long maxPixels)
    {
        var scale = Math.Min(1.0, Math.Sqrt(maxPixels / ((double)width * height)));
        // Even sides: yuv420 sources and most encoders want them, and ffmpeg's scaler gives exact sizes.
        var w = Math.Max(2, (int)Math.Floor(width * scale / 2) * 2);
        var h = Math.Max(2, (int)Math.Floor(height * scale / 2) * 2);
        return (w, h);
    }
}
