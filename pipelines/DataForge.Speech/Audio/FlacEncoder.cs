namespace DataForge.Speech.Audio;

/// <summary>
/// 16-bit PCM to FLAC through ffmpeg's pipes. Bit-exact flags and no metadata keep the bytes a function of the
/// samples alone (for one ffmpeg version), so reruns store the same media object.
/// </summary>
public static class FlacEncoder
{
    public static async Task<byte[]> EncodeAsync(PcmAudio audio, CancellationToken cancellationToken)
    {
        var pcm = new byte[audio.Samples.Length * 2];
        System.Runtime.InteropServices.MemoryMarshal.AsBytes(audio.Samples.AsSpan()).CopyTo(pcm);
        using var raw = new MemoryStream(pcm);
        using var flac = new MemoryStream();
        string[] arguments =
        [
            "-f", "s16le", "-ar", audio.SampleRate.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "-ac", audio.Channels.ToString(System.Globalization.CultureInfo.InvariantCulture), "-i", "pipe:0",
            "-map_metadata", "-1", "-fflags", "+bitexact", "-flags:a", "+bitexact", "-compression_level", "5",
            "-f", "flac", "pipe:1",
        ];
        await FfmpegPipe.RunAsync(arguments, raw, flac, cancellationToken);
        return flac.ToArray();
    }
}
