using DataForge.Core.Storage;

namespace DataForge.Core.Tests;

/// <summary>One reading of file names for every stage: compression first, then the format, case-insensitively.</summary>
public sealed class FileFormatsTests
{
    [Theory]
    [InlineData("web.jsonl", FileFormat.Jsonl, FileCompression.None)]
    [InlineData("dir/WEB.NDJSON.GZ", FileFormat.Jsonl, FileCompression.Gzip)]
    [InlineData("dump.json.gz", FileFormat.Json, FileCompression.Gzip)]
    [InlineData("captions.csv.zst", FileFormat.Csv, FileCompression.Zstd)]
    [InlineData("crawl.warc.gz", FileFormat.Warc, FileCompression.Gzip)]
    [InlineData("page.HTM", FileFormat.Html, FileCompression.None)]
    [InlineData("cat.JPEG", FileFormat.Image, FileCompression.None)]
    [InlineData("talk.opus", FileFormat.Audio, FileCompression.None)]
    [InlineData("talk.vtt", FileFormat.Subtitles, FileCompression.None)]
    [InlineData(@"win\path\rows.parquet", FileFormat.Parquet, FileCompression.None)]
    [InlineData("README", FileFormat.Unknown, FileCompression.None)]
    [InlineData("archive.gz", FileFormat.Unknown, FileCompression.Gzip)]
    public void A_file_name_says_its_format_and_compression(string path, FileFormat format, FileCompression compression) =>
        Assert.Equal(new FileKind(format, compression), FileFormats.Of(path));
}
