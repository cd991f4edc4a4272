using System.IO.Compression;
using CsCheck;
using DataForge.Core.Compression;

namespace DataForge.Core.Tests;

public sealed class VerifiedGzipStreamTests
{
    private static byte[] Gzip(byte[] data, CompressionLevel level = CompressionLevel.Optimal)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, level, leaveOpen: true))
        {
            gzip.Write(data);
        }

        return buffer.ToArray();
    }

    private static byte[] Decompress(byte[] compressed)
    {
        using var stream = new VerifiedGzipStream(new MemoryStream(compressed));
        using var output = new MemoryStream();
        stream.CopyTo(output);
        return output.ToArray();
    }

    [Fact]
    public void Whole_files_decompress_to_their_content() =>
        Gen.Byte.Array[1, 5000].Sample(data => Assert.Equal(data, Decompress(Gzip(data))), iter: 200);

    [Fact]
    public void A_zero_byte_file_is_refused_since_it_is_not_gzip_and_most_likely_a_failed_write() =>
        Assert.ThrowsAny<InvalidDataException>(() => Decompress([]));

    [Fact]
    public void Every_truncation_of_a_single_member_file_is_detected() =>
        Gen.Select(Gen.Byte.Array[1, 3000], Gen.Double[0, 1], Gen.Bool).Sample(
            (data, fraction, stored) =>
            {
                var whole = Gzip(data, stored ? CompressionLevel.NoCompression : CompressionLevel.Optimal);
                var cut = whole[..(int)(fraction * (whole.Length - 1))];
                Assert.ThrowsAny<InvalidDataException>(() => Decompress(cut));
            },
            iter: 300);

    [Fact]
    public void Concatenated_members_decompress_to_all_their_content()
    {
        var first = "first member\n"u8.ToArray();
        var second = "second member\n"u8.ToArray();
        Assert.Equal([.. first, .. second], Decompress([.. Gzip(first), .. Gzip(second)]));
    }
}
