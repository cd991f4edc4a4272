using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using DataForge.Testing;

namespace DataForge.Cli.Tests;

/// <summary>
/// `inspect --serve` in a real browser (issue 23): Debian's Chromium driven by playwright-core
/// (tests/inspect-browser/check.mjs) over a folder holding the demo's sample set and shards, the speech set and a short
/// training run. What the page must show is taken from the data, not written here: the reasons are those of the demo
/// manifest, the later sample's id is the speech set's sixteenth. The file `inspect --html` writes is checked the same
/// way, read with no server. Screenshots land in TestResults/inspect-screenshots.
/// </summary>
public sealed class InspectServeTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task The_web_app_shows_rows_media_rejects_and_curves_in_chromium_and_refuses_traversal()
    {
        var root = _temp.Combine("work");
        Assert.Equal(0, (await CliProcess.RunAsync("run", "samples/pipelines/demo.yaml", "--output", Path.Combine(root, "demo"))).ExitCode);
        Assert.Equal(0, (await CliProcess.RunAsync("run", "samples/pipelines/asr.yaml", "--output", Path.Combine(root, "asr"))).ExitCode);
        Assert.Equal(0, (await CliProcess.RunAsync("run", "samples/pipelines/video.yaml", "--output", Path.Combine(root, "video"))).ExitCode);
        var firstClip = JsonNode.Parse((await CliProcess.RunAsync("inspect", Path.Combine(root, "video"), "--show", "1", "--json")).Stdout)!["samples_shown"]![0]!["parts"]![0]!;
        Assert.Equal("video", (string?)firstClip["kind"]);
        var train = await CliProcess.RunAsync("train", "--shards", Path.Combine(root, "demo", "shards"), "--out", Path.Combine(root, "demo-run"), "--steps", "4", "--eval-every", "2", "--checkpoint-every", "4", "--threads", "2");
        Assert.True(train.ExitCode == 0, train.Stderr);

        var shown = await CliProcess.RunAsync("inspect", Path.Combine(root, "asr"), "--show", "20", "--json");
        var laterId = JsonNode.Parse(shown.Stdout)!["samples_shown"]![15]!["id"]!.GetValue<string>();
        var manifest = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(root, "demo", "_manifest.json")))!;
        // Per-source shares: every sample counted once, under its input file (the #line fragment dropped).
        var demo = JsonNode.Parse((await CliProcess.RunAsync("inspect", Path.Combine(root, "demo"), "--json")).Stdout)!;
        var sources = demo["sources"]!.AsObject();
        Assert.Equal((long)demo["samples"]!, sources.Sum(pair => (long)pair.Value!["samples"]!));
        Assert.Contains(sources, pair => pair.Key.EndsWith("web-docs.jsonl", StringComparison.Ordinal));
        Assert.DoesNotContain(sources, pair => pair.Key.Contains('#', StringComparison.Ordinal));
        var reasons = manifest["rejects"]!["by_reason"]!.AsObject().Select(pair => pair.Key).ToList();
        Assert.NotEmpty(reasons);
        var expected = new JsonObject
        {
            ["chromium"] = "/usr/bin/chromium",
            ["targets"] = new JsonObject { ["demo"] = "samples", ["demo/shards"] = "shards", ["demo-run"] = "run", ["asr"] = "samples", ["asr/shards/train"] = "shards", ["video"] = "samples", ["video/shards"] = "shards" },
            ["video"] = new JsonObject { ["path"] = "video/shards", ["frames"] = firstClip["frames"]!.AsArray().Count },
            ["images"] = "demo/shards",
            ["audio"] = "asr",
            ["laterId"] = new JsonObject { ["path"] = "asr", ["id"] = laterId },
            ["rejectReasons"] = new JsonObject { ["demo"] = new JsonArray([.. reasons.Select(reason => JsonValue.Create(reason))]) },
        };
        // A media entry that is a symlink to a file outside the set: never served. A real medium is the control.
        var realMedium = Directory.GetFiles(Path.Combine(root, "demo", "media"), "*.*", SearchOption.AllDirectories).Order(StringComparer.Ordinal).First();
        var planted = "ab" + new string('c', 62);
        Directory.CreateDirectory(Path.Combine(root, "demo", "media", "ab"));
        var outside = _temp.Combine("outside-secret.png");
        await File.WriteAllTextAsync(outside, "not part of the set");
        File.CreateSymbolicLink(Path.Combine(root, "demo", "media", "ab", planted + ".png"), outside);

        // --html: the same views in one file, nothing fetched from anywhere (no http(s) URL in a src or href).
        var page = _temp.Combine("views.html");
        var written = await CliProcess.RunAsync("inspect", root, "--html", page);
        Assert.True(written.ExitCode == 0, written.Stderr);
        Assert.Contains("media inlined", written.Stderr, StringComparison.Ordinal);
        var html = await File.ReadAllTextAsync(page);
        Assert.DoesNotMatch("(src|href)=\"(https?:)?//", html);
        Assert.DoesNotContain("/assets/", html, StringComparison.Ordinal);
        expected["staticFile"] = page;
        expected["symlinkMedia"] = new JsonObject { ["path"] = "demo", ["sha"] = planted, ["realSha"] = Path.GetFileNameWithoutExtension(realMedium) };

        var expectedFile = _temp.Combine("expected.json");
        await File.WriteAllTextAsync(expectedFile, expected.ToJsonString());

        var (server, url) = await ServeAsync(root);
        try
        {
            // The page's JSON is what `inspect --json` prints (its location aside, which names the folder as given).
            using (var http = new HttpClient { BaseAddress = new Uri(url) })
            {
                var listed = JsonNode.Parse(await http.GetStringAsync(new Uri("api/targets", UriKind.Relative)))!.AsArray();
                foreach (var path in new[] { "demo", "demo/shards", "demo-run" })
                {
                    var id = (int)listed.First(target => (string)target!["path"]! == path)!["id"]!;
                    var served = JsonNode.Parse(await http.GetStringAsync(new Uri($"api/targets/{id}", UriKind.Relative)))!["summary"]!.AsObject();
                    var printed = JsonNode.Parse((await CliProcess.RunAsync("inspect", Path.Combine(root, path), "--json")).Stdout)!.AsObject();
                    served.Remove("path");
                    printed.Remove("path");
                    Assert.True(JsonNode.DeepEquals(served, printed), $"{path}: served {served.ToJsonString()} but printed {printed.ToJsonString()}");
                }
            }

            var screenshots = Path.Combine(RepositoryRoot.Path, "TestResults", "inspect-screenshots");
            var check = new ProcessStartInfo("node", [Path.Combine(RepositoryRoot.Path, "tests", "inspect-browser", "check.mjs"), url, expectedFile, screenshots])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            using var node = Process.Start(check)!;
            var output = node.StandardOutput.ReadToEndAsync();
            var errors = node.StandardError.ReadToEndAsync();
            await node.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(4));
            Assert.True(node.ExitCode == 0, $"{await output}\n{await errors}");
            Assert.Contains("0 failed", await output, StringComparison.Ordinal);
            Assert.True(File.Exists(Path.Combine(screenshots, "thumbnail.png")));
        }
        finally
        {
            server.Kill(entireProcessTree: true);
            await server.WaitForExitAsync();
            server.Dispose();
        }
    }

    [Fact]
    public async Task A_page_of_rows_that_starts_in_a_later_file_is_the_same_rows_as_reading_them_all()
    {
        var set = _temp.Combine("demo");
        Assert.Equal(0, (await CliProcess.RunAsync("run", "samples/pipelines/demo.yaml", "--output", set)).ExitCode);
        var shards = _temp.Combine("small-rows");
        var pack = await CliProcess.RunAsync("pack", set, "--out", shards, "--seq-len", "256", "--rows-per-shard", "3");
        Assert.True(pack.ExitCode == 0, pack.Stderr);
        Assert.True(Directory.GetFiles(shards, "shard-*.parquet").Length >= 3, "the rows span several files");

        var (server, url) = await ServeAsync(shards);
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri(url) };
            async Task<JsonArray> RowsAsync(int offset, int limit) =>
                JsonNode.Parse(await http.GetStringAsync(new Uri($"api/targets/0/rows?offset={offset}&limit={limit}", UriKind.Relative)))!["rows"]!.AsArray();
            var all = await RowsAsync(0, 50);
            Assert.True(all.Count >= 7);
            foreach (var offset in new[] { 2, 3, 4, 6, all.Count - 1 })
            {
                var page = await RowsAsync(offset, 2);
                Assert.True(JsonNode.DeepEquals(new JsonArray([.. all.Skip(offset).Take(2).Select(row => row!.DeepClone())]), page), $"offset {offset}: {page.ToJsonString()}");
            }

            Assert.Empty(await RowsAsync(all.Count, 2));
        }
        finally
        {
            server.Kill(entireProcessTree: true);
            await server.WaitForExitAsync();
            server.Dispose();
        }
    }

    /// <summary>Starts <c>inspect PATH --serve --port 0</c> and reads the address from its first line.</summary>
    private static async Task<(Process Server, string Url)> ServeAsync(string path)
    {
        var server = Process.Start(CliProcess.StartInfo(["inspect", path, "--serve", "--port", "0"]))!;
        var first = await server.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromMinutes(1));
        Assert.NotNull(first);
        Assert.StartsWith("serving ", first, StringComparison.Ordinal);
        return (server, first.Split(' ').First(word => word.StartsWith("http://127.0.0.1:", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Serving_refuses_options_of_other_modes_and_a_path_with_nothing_to_show()
    {
        var refused = await CliProcess.RunAsync("inspect", "samples/text", "--serve", "--json");
        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("--json does not apply to --serve", refused.Stderr, StringComparison.Ordinal);

        var portWithoutServe = await CliProcess.RunAsync("inspect", "samples/text", "--port", "9000");
        Assert.Equal(2, portWithoutServe.ExitCode);
        Assert.Contains("--port and --host are options of --serve", portWithoutServe.Stderr, StringComparison.Ordinal);

        var badHost = await CliProcess.RunAsync("inspect", "samples/text", "--serve", "--host", "example.org");
        Assert.Equal(2, badHost.ExitCode);
        Assert.Contains("--host example.org", badHost.Stderr, StringComparison.Ordinal);

        Directory.CreateDirectory(_temp.Combine("empty"));
        var empty = await CliProcess.RunAsync("inspect", _temp.Combine("empty"), "--serve", "--port", "0");
        Assert.Equal(1, empty.ExitCode);
        Assert.Contains("holds no sample set, packed shards or training run", empty.Stderr, StringComparison.Ordinal);
    }
}
