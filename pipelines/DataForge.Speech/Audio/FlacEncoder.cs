using FFMpegCore;
using FFMpegCore.Pipes;

namespace DataForge.Speech.Audio;

/// <summary>
/// 16-bit PCM to FLAC through ffmpeg's pipes. Bit-exact flags and no metadata keep the bytes a function of the
/// samples alone (for one ffmpeg version), so reruns store the same media object.
/// </summary>
public static class FlacEncoder
{
    public static async Task<byte[]> EncodeAsync(PcmAudio audio, CancellationToken cancellationToken)
    {
        using var wav = new MemoryStream(WavFile.Write(audio));
        using var flac = new MemoryStream();
        await FFMpegArguments
            .FromPipeInput(new StreamPipeSource(wav), options => options.ForceFormat("wav"))
            .OutputToPipe(new StreamPipeSink(flac), options => options
                .ForceFormat("flac")
                .WithCustomArgument("-map_metadata -1 -fflags +bitexact -flags:a +bitexact -compression_level 5"))
            .CancellableThrough(cancellationToken)
            .ProcessAsynchronously(throwOnError: true);
        return flac.ToArray();
    }
}
