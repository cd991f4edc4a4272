using System.ComponentModel;
using System.Diagnostics;
using System.Text;
using DataForge.Core;
using FFMpegCore;

namespace DataForge.Speech.Audio;

/// <summary>
/// Runs ffmpeg (the binary FFMpegCore locates) with its stdin and stdout as anonymous pipes, and reads stdout to the
/// end of the stream. FFMpegCore's own pipe sinks are not used: its processor cancels the sink's read as soon as ffmpeg
/// exits and swallows the cancellation, so bytes still in the pipe's buffer at exit are silently lost (CI caught 10 KB
/// missing from the end of a clip, once in a run). Reading to end-of-file cannot lose the tail.
/// </summary>
public static class FfmpegPipe
{
    /// <summary>ffmpeg, found by FFMpegCore (its configured folder, else PATH).</summary>
    public static string FfmpegBinary => GlobalFFOptions.GetFFMpegBinaryPath();

    /// <summary>ffprobe, found where FFMpegCore finds it (beside ffmpeg, or on PATH).</summary>
    public static string FfprobeBinary => GlobalFFOptions.GetFFProbeBinaryPath();

    /// <summary>The last part of ffmpeg's error output kept for a message; its banner and stream listing come first.</summary>
    private const int KeptErrorCharacters = 16 * 1024;

    public static Task RunAsync(IReadOnlyList<string> arguments, Stream? input, Stream output, CancellationToken cancellationToken) =>
        RunAsync(GlobalFFOptions.GetFFMpegBinaryPath(), arguments, input, (stdout, token) => stdout.CopyToAsync(output, token), cancellationToken);

    /// <summary>
    /// Runs <paramref name="binary"/> (ffmpeg, or ffprobe beside it) and hands its stdout to <paramref name="consume"/>,
    /// which must read it to the end (frames are streamed, never the whole output in memory).
    /// </summary>
    public static async Task RunAsync(string binary, IReadOnlyList<string> arguments, Stream? input, Func<Stream, CancellationToken, Task> consume, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(binary)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("-hide_banner");
        if (input is null && !Path.GetFileName(binary).StartsWith("ffprobe", StringComparison.Ordinal))
        {
            // Without this ffmpeg reads the terminal's keys from stdin ('q' stops it).
            start.ArgumentList.Add("-nostdin");
        }

        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = new Process { StartInfo = start };
        try
        {
            process.Start();
        }
        catch (Win32Exception)
        {
            throw new DataForgeException($"{Path.GetFileName(binary)} was not found on PATH; install ffmpeg (Debian: apt-get install ffmpeg)");
        }

        using var kill = cancellationToken.Register(() => KillQuietly(process));
        var errors = ReadTailAsync(process.StandardError);
        var feeding = FeedAsync(process.StandardInput.BaseStream, input, cancellationToken);
        await consume(process.StandardOutput.BaseStream, cancellationToken);
        var probe = new byte[1];
        if (await process.StandardOutput.BaseStream.ReadAsync(probe, cancellationToken) > 0)
        {
            // The consumer stopped early (it has what it needs, or a cap was reached): the rest is not wanted, and a
            // hostile file's rest may be endless.
            KillQuietly(process);
            await process.WaitForExitAsync(cancellationToken);
            await errors;
            try
            {
                await feeding;
            }
            catch (IOException)
            {
                // Killed while being fed.
            }

            return;
        }

        await process.WaitForExitAsync(cancellationToken);
        var errorText = await errors;
        try
        {
            await feeding;
        }
        catch (IOException) when (process.ExitCode != 0)
        {
            // ffmpeg stopped reading because it failed; its exit code and message below say why.
        }

        if (process.ExitCode != 0)
        {
            throw new FfmpegFailedException(process.ExitCode, errorText);
        }
    }

    private static async Task FeedAsync(Stream stdin, Stream? input, CancellationToken cancellationToken)
    {
        await using (stdin)
        {
            if (input is not null)
            {
                await input.CopyToAsync(stdin, cancellationToken);
            }
        }
    }

    private static async Task<string> ReadTailAsync(StreamReader reader)
    {
        var tail = new StringBuilder();
        var buffer = new char[4096];
        int read;
        while ((read = await reader.ReadAsync(buffer)) > 0)
        {
            tail.Append(buffer, 0, read);
            if (tail.Length > 2 * KeptErrorCharacters)
            {
                tail.Remove(0, tail.Length - KeptErrorCharacters);
            }
        }

        return tail.ToString();
    }

    private static void KillQuietly(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already exited.
        }
    }
}

/// <summary>ffmpeg exited with an error; the message is its last meaningful line of error output.</summary>
public sealed class FfmpegFailedException(int exitCode, string errorOutput) : Exception(Summarise(exitCode, errorOutput))
{
    private static string Summarise(int exitCode, string output)
    {
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return lines.Length == 0 ? $"ffmpeg failed (exit code {exitCode})" : $"ffmpeg: {lines[^1]}";
    }
}
