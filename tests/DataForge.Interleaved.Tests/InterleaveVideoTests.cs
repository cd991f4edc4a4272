using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using DataForge.Core.Model;
using DataForge.Core.Pipeline;
using DataForge.Core.SampleSets;
using DataForge.Core.Stages.Contract;
using DataForge.Core.Storage;
using DataForge.Testing;

namespace DataForge.Interleaved.Tests;

/// <summary>
/// &lt;video&gt; in pages (issue 24): resolved beside a local page and from a WARC response, read as read-video reads a
/// video (the clip's frames and audio), in reading order between the text; a video nobody holds is a reject.
/// </summary>
public sealed class InterleaveVideoTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private static byte[] Clip(string path)
    {
        var start = new ProcessStartInfo("ffmpeg") { RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { "-nostdin", "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=160x120:rate=25:duration=3", "-f", "lavfi", "-i", "sine=duration=3", "-c:v", "libx264", "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest", path })
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var errors = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return process.ExitCode == 0 ? File.ReadAllBytes(path) : throw new InvalidOperationException(errors);
    }

    private async Task<(List<Sample> Samples, List<(string Input, string Reason)> Rejects)> RunAsync(string input)
    {
        var spec = new PipelineSpec("interleave-video", [input], _temp.Combine("out"), [new StageSpec("interleave", new JsonObject { ["min_text_chars"] = 10 }, new SourceLocation("t", 1, 1)), new StageSpec("write", [], new SourceLocation("t", 2, 1))], 1, "/");
        await PipelineRuns.RunAsync(spec, [InterleaveStage.Definition]);
        var samples = await SampleSetReader.ReadAsync(new LocalStorage(_temp.Combine("out"))).ToListAsync();
        var rejects = Directory.Exists(_temp.Combine("out", "rejects"))
            ? Directory.GetFiles(_temp.Combine("out", "rejects")).SelectMany(File.ReadAllLines).Select(line => JsonNode.Parse(line)!).Select(reject => ((string)reject["input"]!, (string)reject["reason"]!)).ToList()
            : [];
        return (samples, rejects);
    }

    [Fact]
    public async Task A_local_page_s_video_becomes_its_clip_between_the_text_and_a_missing_one_a_reject()
    {
        var site = _temp.Combine("site");
        Directory.CreateDirectory(site);
        Clip(Path.Combine(site, "clip.mp4"));
        await File.WriteAllTextAsync(Path.Combine(site, "page.html"), """
            <html><body><p>Before the video comes this paragraph.</p>
            <figure><video controls title="a test pattern"><source src="clip.webm" type="audio/webm"><source src="clip.mp4" type="video/mp4"></video>
            <figcaption>A moving pattern with a tone</figcaption></figure>
            <p>After the video, a closing paragraph.</p><video src="missing.mp4"></video></body></html>
            """);

        var (samples, rejects) = await RunAsync(site);

        var sample = Assert.Single(samples);
        Assert.Equal(["text", "video", "audio", "text"], sample.Parts.Select(part => part.Kind));
        var clip = (VideoPart)sample.Parts[1];
        Assert.Equal((3.0, 160, 120, 6), (clip.DurationSeconds, clip.Width, clip.Height, clip.Frames.Length));
        var video = sample.MetaObject()["videos"]![0]!;
        Assert.Equal("A moving pattern with a tone", (string?)video["caption"]);
        Assert.Equal("a test pattern", (string?)video["alt"]);
        var missing = Assert.Single(rejects);
        Assert.EndsWith("missing.mp4", missing.Input, StringComparison.Ordinal);
        Assert.Equal("video.not_found", missing.Reason);
    }

    [Fact]
    public async Task A_warc_video_response_is_the_clip_of_the_page_that_shows_it()
    {
        var clip = Clip(_temp.Combine("clip.mp4"));
        var page = Encoding.UTF8.GetBytes("<html><body><p>An archived page with a video in it.</p><video src=\"/media/clip.mp4\"></video><p>The end of the page.</p></body></html>");
        using var warc = new MemoryStream();
        void Record(string uri, string type, byte[] body)
        {
            var http = Encoding.ASCII.GetBytes($"HTTP/1.1 200 OK\r\nContent-Type: {type}\r\nContent-Length: {body.Length}\r\n\r\n");
            var header = Encoding.ASCII.GetBytes($"WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: {uri}\r\nWARC-Record-ID: <urn:uuid:{Guid.NewGuid()}>\r\nContent-Type: application/http; msgtype=response\r\nContent-Length: {http.Length + body.Length}\r\n\r\n");
            warc.Write(header);
            warc.Write(http);
            warc.Write(body);
            warc.Write("\r\n\r\n"u8);
        }

        Record("http://example.org/page.html", "text/html; charset=utf-8", page);
        Record("http://example.org/media/clip.mp4", "video/mp4", clip);
        await File.WriteAllBytesAsync(_temp.Combine("site.warc"), warc.ToArray());

        var (samples, rejects) = await RunAsync(_temp.Combine("site.warc"));

        Assert.Empty(rejects);
        var sample = Assert.Single(samples);
        Assert.Equal(["text", "video", "audio", "text"], sample.Parts.Select(part => part.Kind));
        Assert.Equal("video/mp4", ((VideoPart)sample.Parts[1]).Media.Mime);
        Assert.Equal("http://example.org/media/clip.mp4", (string?)sample.MetaObject()["videos"]![0]!["url"]);
    }
}
