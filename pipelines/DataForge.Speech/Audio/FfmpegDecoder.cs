using DataForge.Core.Storage;

namespace DataForge.Speech.Audio;

/// <summary>
/// Any audio ffmpeg reads (wav, flac, mp3, ogg/opus, m4a, video containers), at any rate and channel count, decoded
/// and resampled by the ffmpeg CLI (located by FFMpegCore, run by <see cref="FfmpegPipe"/>) to 16-bit mono at the target rate, the PCM streamed back
/// through a pipe (no decoded temp files). Local files are given to ffmpeg by path; remote objects are copied to the
/// task's scratch folder first and removed after, since ffmpeg decodes some containers differently from a pipe.
/// </summary>
public sealed class FfmpegDecoder(int sampleRate, string scratchDirectory)
{
    /// <summary>The whole recording, up to a day of it.</summary>
    public Task<(PcmAudio? Audio, string? Error)> DecodeAsync(IStorage storage, string path, CancellationToken cancellationToken) =>
        DecodeAsync(storage, path, 86_400, cancellationToken);

    /// <param name="maxSeconds">Decode no further than this into the recording (ffmpeg's output option -t), so a long file never fills memory.</param>
    public async Task<(PcmAudio? Audio, string? Error)> DecodeAsync(IStorage storage, string path, double maxSeconds, CancellationToken cancellationToken)
    {
        string? temporary = null;
        var shownPath = storage is LocalStorage root ? Path.Combine(root.RootDirectory, path) : path;
        try
        {
            string input;
            if (storage is LocalStorage local)
            {
                input = Path.Combine(local.RootDirectory, path);
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

                input = temporary;
            }

            var invariant = System.Globalization.CultureInfo.InvariantCulture;
            using var pcm = new MemoryStream();
            string[] arguments =
            [
                "-i", input, "-vn", "-ac", "1", "-ar", sampleRate.ToString(invariant),
                "-t", maxSeconds.ToString("0.###", invariant), "-acodec", "pcm_s16le", "-f", "s16le", "pipe:1",
            ];
            await FfmpegPipe.RunAsync(arguments, input: null, pcm, cancellationToken);
            var bytes = pcm.GetBuffer().AsSpan(0, (int)pcm.Length);
            var samples = new short[bytes.Length / 2];
            System.Runtime.InteropServices.MemoryMarshal.Cast<byte, short>(bytes[..(samples.Length * 2)]).CopyTo(samples);
            return samples.Length == 0 ? (null, "ffmpeg decoded no audio samples") : (new PcmAudio(sampleRate, 1, samples), null);
        }
        catch (FfmpegFailedException e)
        {
            return (null, e.Message.Replace(shownPath + ": ", string.Empty, StringComparison.Ordinal));
        }
        finally
        {
            if (temporary is not null)
            {
                File.Delete(temporary);
            }
        }
    }
}
