using System.Buffers.Binary;
using CsCheck;
using DataForge.Speech.Audio;

namespace DataForge.Speech.Tests;

public sealed class WavFileTests
{
    [Fact]
    public void Any_pcm_survives_write_and_read() =>
        Gen.Select(Gen.Int[1, 3], Gen.Int[0, 4].Select(i => new[] { 8000, 16000, 22050, 44100, 48000 }[i]), Gen.Short.Array[0, 2000]).Sample((channels, rate, samples) =>
        {
            var audio = new PcmAudio(rate, channels, samples[..(samples.Length / channels * channels)]);

            var back = WavFile.Read(WavFile.Write(audio));

            Assert.Equal(audio.SampleRate, back.SampleRate);
            Assert.Equal(audio.Channels, back.Channels);
            Assert.Equal(audio.Samples, back.Samples);
        });

    [Fact]
    public void The_header_is_canonical_16_bit_pcm()
    {
        var bytes = WavFile.Write(new PcmAudio(16000, 1, [1, -1, 300]));

        Assert.Equal(44 + 6, bytes.Length);
        Assert.Equal(36 + 6, BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(4)));
        Assert.Equal(1, BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(20)));
        Assert.Equal(32000, BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(28)));
        Assert.Equal(6, BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(40)));
    }

    [Fact]
    public void Unknown_chunks_are_skipped_and_float_samples_converted()
    {
        // RIFF, a LIST chunk of odd length (padded), fmt for float32 stereo, data with two frames.
        var file = new List<byte>();
        void Ascii(string text) => file.AddRange(System.Text.Encoding.ASCII.GetBytes(text));
        void Int32(int value) => file.AddRange(BitConverter.GetBytes(value));
        void Int16(short value) => file.AddRange(BitConverter.GetBytes(value));
        Ascii("RIFF");
        Int32(0);
        Ascii("WAVE");
        Ascii("LIST");
        Int32(3);
        file.AddRange(new byte[] { 1, 2, 3, 0 });
        Ascii("fmt ");
        Int32(16);
        Int16(3);
        Int16(2);
        Int32(8000);
        Int32(8000 * 8);
        Int16(8);
        Int16(32);
        Ascii("data");
        Int32(16);
        foreach (var value in new[] { 0.5f, -0.5f, 1f, -1f })
        {
            file.AddRange(BitConverter.GetBytes(value));
        }

        var audio = WavFile.Read(file.ToArray());

        Assert.Equal(2, audio.Channels);
        Assert.Equal(new short[] { 16384, -16384, 32767, -32767 }, audio.Samples);
    }

    [Theory]
    [InlineData(new byte[] { 1, 2, 3 }, "not a RIFF/WAVE file")]
    [InlineData(new byte[] { 0x52, 0x49, 0x46, 0x46, 0, 0, 0, 0, 0x57, 0x41, 0x56, 0x45 }, "no data chunk")]
    public void Broken_files_are_format_errors(byte[] bytes, string message)
    {
        var error = Assert.Throws<FormatException>(() => WavFile.Read(bytes));
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }
}
