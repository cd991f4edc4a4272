using DataForge.Core.Storage;
using FFMpegCore;
using FFMpegCore.Exceptions;
using FFMpegCore.Pipes;

namespace DataForge.Speech.Audio;

/// <summary>
/// Any audio ffmpeg reads (wav, flac, mp3, ogg/opus, m4a, video containers), at any rate and channel count, decoded
/// and resampled by the ffmpeg CLI (through FFMpegCore) to 16-bit mono at the target rate, the PCM streamed back
/// through a pipe (no decoded temp files). Local files are given to ffmpeg by path; remote objects are copied to the
/// task's scratch folder first and removed after, since ffmpeg decodes some containers differently from a pipe.
/// </summary>
public sealed class FfmpegDecoder(int sampleRate, string scratchDirectory)
{
    public async Task<(PcmAudio? Audio, string? Error)> DecodeAsync(IStorage storage, string path, CancellationToken cancellationToken)
    {
        string? temporary = null;
        var shownPath = storage is LocalStorage root ? Path.Combine(root.RootDirectory, path) : path;
        try
        {
            FFMpegArguments input;
            if (storage is LocalStorage local)
            {
                input = FFMpegArguments.FromFileInput(Path.Combine(local.RootDirectory, path), verifyExists: true);
            }
            else
            {
                // A remote object is copied to scratch, not piped into ffmpeg's stdin: fed through a pipe, ffmpeg
                // dropped the first 64 KiB of WAV files and kept MP3 encoder padding it trims when it can seek
                // (tests compare both paths sample for sample).
                temporary = Path.Combine(scratchDirectory, $"audio-{Guid.NewGuid():N}{Path.GetExtension(path)}");
                await using (var source = await storage.OpenReadAsync(path, cancellationToken))
                await using (var copy = File.Create(temporary))
                {
                    await source.CopyToAsync(copy, cancellationToken);
                }

                input = FFMpegArguments.FromFileInput(temporary, verifyExists: true);
            }

            using var pcm = new MemoryStream();
            await input
                .OutputToPipe(new StreamPipeSink(pcm), options => options
                    .ForceFormat("s16le")
                    .WithCustomArgument($"-vn -ac 1 -ar {sampleRate} -acodec pcm_s16le"))
                .CancellableThrough(cancellationToken)
                .ProcessAsynchronously(throwOnError: true);
            var bytes = pcm.GetBuffer().AsSpan(0, (int)pcm.Length);
            var samples = new short[bytes.Length / 2];
            System.Runtime.InteropServices.MemoryMarshal.Cast<byte, short>(bytes[..(samples.Length * 2)]).CopyTo(samples);
            return samples.Length == 0 ? (null, "ffmpeg decoded no audio samples") : (new PcmAudio(sampleRate, 1, samples), null);
        }
        catch (FFMpegException e)
        {
            return (null, Summarise(e.Message).Replace(shownPath + ": ", string.Empty, StringComparison.Ordinal));
        }
        catch (Instances.Exceptions.InstanceFileNotFoundException)
        {
            throw new DataForge.Core.DataForgeException("ffmpeg was not found on PATH; install it (Debian: apt-get install ffmpeg)");
        }
        finally
        {
            if (temporary is not null)
            {
                File.Delete(temporary);
            }
        }
    }

    /// <summary>The last meaningful line of ffmpeg's error output (its banner and stream listing say nothing).</summary>
    private static string Summarise(string output)
    {
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return lines.Length == 0 ? "ffmpeg failed" : $"ffmpeg: {lines[^1]}";
    }
}
