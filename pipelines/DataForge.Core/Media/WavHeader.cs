using System.Buffers.Binary;

namespace DataForge.Core.Media;

/// <summary>What a RIFF/WAVE header says: sample rate, channels and the duration its data chunk holds.</summary>
public sealed record WavInfo(int SampleRate, int Channels, double DurationSeconds);

/// <summary>
/// Reads the chunks of a RIFF/WAVE file (Microsoft's Multimedia Programming Interface and Data Specifications 1.0:
/// <c>RIFF</c> size <c>WAVE</c>, then <c>fmt </c> and <c>data</c> among chunks padded to even lengths) far enough to
/// know its duration, without decoding samples; a header that lies about its data length is refused.
/// </summary>
public static class WavHeader
{
    public static WavInfo? TryRead(ReadOnlySpan<byte> bytes, out string? problem)
    {
        problem = null;
        if (bytes.Length < 12 || !bytes[..4].SequenceEqual("RIFF"u8) || !bytes[8..12].SequenceEqual("WAVE"u8))
        {
            problem = "not a RIFF/WAVE file";
            return null;
        }

        int rate = 0, channels = 0, blockAlign = 0;
        var position = 12;
        while (position + 8 <= bytes.Length)
        {
            var id = bytes.Slice(position, 4);
            var size = BinaryPrimitives.ReadUInt32LittleEndian(bytes[(position + 4)..]);
            var body = position + 8;
            if (id.SequenceEqual("fmt "u8))
            {
                if (size < 16 || body + 16 > bytes.Length)
                {
                    problem = "the fmt chunk is shorter than 16 bytes";
                    return null;
                }

                channels = BinaryPrimitives.ReadUInt16LittleEndian(bytes[(body + 2)..]);
                rate = BinaryPrimitives.ReadInt32LittleEndian(bytes[(body + 4)..]);
                blockAlign = BinaryPrimitives.ReadUInt16LittleEndian(bytes[(body + 12)..]);
            }
            else if (id.SequenceEqual("data"u8))
            {
                if (rate <= 0 || channels == 0 || blockAlign == 0)
                {
                    problem = "no usable fmt chunk before the data chunk";
                    return null;
                }

                if (size > (uint)(bytes.Length - body))
                {
                    problem = $"the data chunk claims {size} bytes and {bytes.Length - body} follow";
                    return null;
                }

                return new WavInfo(rate, channels, size / (double)blockAlign / rate);
            }

            position = body + (int)Math.Min(size + (size & 1), int.MaxValue - body);
        }

        problem = "no data chunk";
        return null;
    }
}
