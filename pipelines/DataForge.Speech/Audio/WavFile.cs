using System.Buffers.Binary;

namespace DataForge.Speech.Audio;

/// <summary>PCM audio as DataForge stores it: 16-bit signed samples, interleaved when there are several channels.</summary>
public sealed record PcmAudio(int SampleRate, int Channels, short[] Samples)
{
    public double DurationSeconds => Samples.Length / (double)(SampleRate * Channels);
}

/// <summary>
/// RIFF/WAVE files, written and read without a library: the writer emits canonical 16-bit PCM (44-byte header);
/// the reader takes 8/16/24/32-bit integer and 32-bit float PCM, WAVE_FORMAT_EXTENSIBLE, and skips chunks it does
/// not need (LIST, fact, …), with a <see cref="FormatException"/> for anything else.
/// </summary>
public static class WavFile
{
    private const ushort FormatPcm = 1;
    private const ushort FormatFloat = 3;
    private const ushort FormatExtensible = 0xFFFE;

    public static byte[] Write(PcmAudio audio)
    {
        var dataBytes = audio.Samples.Length * 2;
        var bytes = new byte[44 + dataBytes];
        var span = bytes.AsSpan();
        "RIFF"u8.CopyTo(span);
        BinaryPrimitives.WriteInt32LittleEndian(span[4..], 36 + dataBytes);
        "WAVE"u8.CopyTo(span[8..]);
        "fmt "u8.CopyTo(span[12..]);
        BinaryPrimitives.WriteInt32LittleEndian(span[16..], 16);
        BinaryPrimitives.WriteUInt16LittleEndian(span[20..], FormatPcm);
        BinaryPrimitives.WriteUInt16LittleEndian(span[22..], (ushort)audio.Channels);
        BinaryPrimitives.WriteInt32LittleEndian(span[24..], audio.SampleRate);
        BinaryPrimitives.WriteInt32LittleEndian(span[28..], audio.SampleRate * audio.Channels * 2);
        BinaryPrimitives.WriteUInt16LittleEndian(span[32..], (ushort)(audio.Channels * 2));
        BinaryPrimitives.WriteUInt16LittleEndian(span[34..], 16);
        "data"u8.CopyTo(span[36..]);
        BinaryPrimitives.WriteInt32LittleEndian(span[40..], dataBytes);
        for (var i = 0; i < audio.Samples.Length; i++)
        {
            BinaryPrimitives.WriteInt16LittleEndian(span[(44 + (2 * i))..], audio.Samples[i]);
        }

        return bytes;
    }

    public static PcmAudio Read(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < 12 || !bytes[..4].SequenceEqual("RIFF"u8) || !bytes[8..12].SequenceEqual("WAVE"u8))
        {
            throw new FormatException("not a RIFF/WAVE file");
        }

        ushort format = 0, channels = 0, bits = 0;
        var rate = 0;
        var position = 12;
        while (position + 8 <= bytes.Length)
        {
            var id = bytes.Slice(position, 4);
            var size = BinaryPrimitives.ReadUInt32LittleEndian(bytes[(position + 4)..]);
            var body = position + 8;
            // Streams written before their length was known say 0 or 0xFFFFFFFF for data: take the rest of the file.
            var available = bytes.Length - body;
            var length = size > available ? available : (int)size;
            if (id.SequenceEqual("fmt "u8))
            {
                if (length < 16)
                {
                    throw new FormatException("the fmt chunk is shorter than 16 bytes");
                }

                var fmt = bytes.Slice(body, length);
                format = BinaryPrimitives.ReadUInt16LittleEndian(fmt);
                channels = BinaryPrimitives.ReadUInt16LittleEndian(fmt[2..]);
                rate = BinaryPrimitives.ReadInt32LittleEndian(fmt[4..]);
                bits = BinaryPrimitives.ReadUInt16LittleEndian(fmt[14..]);
                if (format == FormatExtensible)
                {
                    if (length < 40)
                    {
                        throw new FormatException("WAVE_FORMAT_EXTENSIBLE without its 40-byte fmt chunk");
                    }

                    // The sub-format GUID starts with the actual format code.
                    format = BinaryPrimitives.ReadUInt16LittleEndian(fmt[24..]);
                }
            }
            else if (id.SequenceEqual("data"u8))
            {
                if (channels == 0 || rate <= 0)
                {
                    throw new FormatException("the data chunk comes before a valid fmt chunk");
                }

                return new PcmAudio(rate, channels, ToInt16(bytes.Slice(body, length), format, bits));
            }

            position = body + length + (length % 2);
        }

        throw new FormatException("the file has no data chunk");
    }

    private static short[] ToInt16(ReadOnlySpan<byte> data, ushort format, ushort bits)
    {
        switch (format, bits)
        {
            case (FormatPcm, 16):
                {
                    var samples = new short[data.Length / 2];
                    for (var i = 0; i < samples.Length; i++)
                    {
                        samples[i] = BinaryPrimitives.ReadInt16LittleEndian(data[(2 * i)..]);
                    }

                    return samples;
                }

            case (FormatPcm, 8):
                {
                    var samples = new short[data.Length];
                    for (var i = 0; i < samples.Length; i++)
                    {
                        samples[i] = (short)((data[i] - 128) << 8);
                    }

                    return samples;
                }

            case (FormatPcm, 24):
                {
                    var samples = new short[data.Length / 3];
                    for (var i = 0; i < samples.Length; i++)
                    {
                        samples[i] = (short)((data[(3 * i) + 1]) | (data[(3 * i) + 2] << 8));
                    }

                    return samples;
                }

            case (FormatPcm, 32):
                {
                    var samples = new short[data.Length / 4];
                    for (var i = 0; i < samples.Length; i++)
                    {
                        samples[i] = (short)(BinaryPrimitives.ReadInt32LittleEndian(data[(4 * i)..]) >> 16);
                    }

                    return samples;
                }

            case (FormatFloat, 32):
                {
                    var samples = new short[data.Length / 4];
                    for (var i = 0; i < samples.Length; i++)
                    {
                        var value = BinaryPrimitives.ReadSingleLittleEndian(data[(4 * i)..]);
                        samples[i] = (short)Math.Clamp(MathF.Round(value * 32767f), short.MinValue, short.MaxValue);
                    }

                    return samples;
                }

            default:
                throw new FormatException($"WAV format {format} with {bits} bits per sample is not supported (PCM 8/16/24/32-bit and float32 are)");
        }
    }
}
