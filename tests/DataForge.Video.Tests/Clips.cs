using System.Diagnostics;

namespace DataForge.Video.Tests;

/// <summary>Test videos made by the ffmpeg CLI from its own lavfi sources (testsrc2 burns each frame's time and number into it).</summary>
internal static class Clips
{
    public static string Make(string path, params string[] arguments)
    {
        Ffmpeg(["-v", "error", "-y", .. arguments, path]);
        return path;
    }

    public static byte[] Ffmpeg(IReadOnlyList<string> arguments)
    {
        var start = new ProcessStartInfo("ffmpeg") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("-nostdin");
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        using var output = new MemoryStream();
        var errors = process.StandardError.ReadToEndAsync();
        process.StandardOutput.BaseStream.CopyTo(output);
        process.WaitForExit();
        return process.ExitCode == 0 ? output.ToArray() : throw new InvalidOperationException($"ffmpeg {string.Join(' ', arguments)}: {errors.Result}");
    }

    /// <summary>ffprobe's output for a file.</summary>
    public static byte[] Probe(string path, params string[] arguments)
    {
        var start = new ProcessStartInfo("ffprobe") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in (string[])["-v", "error", .. arguments, path])
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        using var output = new MemoryStream();
        process.StandardOutput.BaseStream.CopyTo(output);
        process.WaitForExit();
        return output.ToArray();
    }

    /// <summary>25 fps test pattern with a 440 Hz tone, H.264 with B-frames (display order differs from decode order).</summary>
    public static string PatternWithTone(string path, double seconds) => Make(
        path,
        "-f", "lavfi", "-i", $"testsrc2=size=320x240:rate=25:duration={seconds}", "-f", "lavfi", "-i", $"sine=frequency=440:duration={seconds}",
        "-c:v", "libx264", "-pix_fmt", "yuv420p", "-g", "50", "-bf", "2", "-c:a", "aac", "-shortest");

    /// <summary>Frame <paramref name="number"/> (display order from 0) as the ffmpeg CLI alone extracts it, RGBA at the given size.</summary>
    public static byte[] FrameByNumber(string video, int number, int width, int height) => Ffmpeg(
        ["-v", "error", "-i", video, "-vf", $"select=eq(n\\,{number}),scale={width}:{height}:flags=bicubic", "-frames:v", "1", "-f", "rawvideo", "-pix_fmt", "rgba", "pipe:1"]);
}
