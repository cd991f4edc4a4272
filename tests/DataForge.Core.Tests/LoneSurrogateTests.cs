using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using DataForge.Core.Stages.ReadText;
using DataForge.Core.Text;
using DataForge.Testing;

namespace DataForge.Core.Tests;

/// <summary>
/// Lone surrogates as Python's json.dumps writes them (tests/json-reference/make_lone_surrogates.py made the fixture
/// and the expected strings: each lone surrogate read as tiktoken encodes it, U+FFFD), in text, ids and meta.
/// </summary>
public sealed class LoneSurrogateTests : IDisposable
{
    private static readonly string Reference = Path.Combine(RepositoryRoot.Path, "tests", "json-reference");
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Read_text_reads_each_record_with_its_lone_surrogates_as_U_FFFD_as_tiktoken_does()
    {
        var folder = Directory.CreateDirectory(_temp.Combine("in")).FullName;
        File.Copy(Path.Combine(Reference, "lone-surrogates.jsonl"), Path.Combine(folder, "records.jsonl"));
        var harness = new StageHarness(_temp.Combine("out"), _temp.Combine("scratch"));
        var samples = await harness.RunAsync(new ReadTextStage(new ReadTextOptions()), await StageHarness.InputsAsync(folder));

        using var expected = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(Reference, "lone-surrogates.expected.json")));
        var records = expected.RootElement.EnumerateArray().ToList();
        Assert.Empty(harness.Rejects.Items);
        Assert.Equal(records.Count, samples.Count);
        for (var index = 0; index < records.Count; index++)
        {
            Assert.Equal(records[index].GetProperty("id").GetString(), samples[index].Id);
            Assert.Equal(records[index].GetProperty("text").GetString(), ((Model.TextPart)samples[index].Parts[0]).Text);
            var meta = samples[index].MetaObject();
            foreach (var property in records[index].EnumerateObject().Where(property => property.Name is not ("id" or "text")))
            {
                Assert.True(JsonNode.DeepEquals(JsonNode.Parse(property.Value.GetRawText()), meta[property.Name]), $"{property.Name}: {meta[property.Name]?.ToJsonString()}");
            }
        }

        Assert.Equal(6, harness.Counter(ReadTextStage.LoneSurrogatesReplaced));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(4096)]
    public async Task The_stream_repair_gives_the_same_bytes_as_the_whole_text_repair_at_any_read_size(int readSize)
    {
        // Escapes placed across every buffer boundary: the stream holds back an unfinished escape until its pair is in.
        var json = string.Concat(Enumerable.Range(0, 300).Select(index => (index % 3) switch
        {
            0 => "{\"a\":\"x\\ud83d\"}",
            1 => "{\"b\":\"\\ud83d\\ude00 \\\\ud83d\"}",
            _ => "{\"c\":\"\\udc00\\ud800\"}",
        }));
        var (whole, replaced) = LoneSurrogateEscapes.Repair(json);
        Assert.Equal(300, replaced);
        await using var stream = new LoneSurrogateRepairStream(new MemoryStream(Encoding.UTF8.GetBytes(json)), bufferSize: 64);
        var bytes = new List<byte>();
        var buffer = new byte[readSize];
        int read;
        while ((read = await stream.ReadAsync(buffer)) > 0)
        {
            bytes.AddRange(buffer.AsSpan(0, read).ToArray());
        }

        Assert.Equal(whole, Encoding.UTF8.GetString([.. bytes]));
        Assert.Equal(replaced, stream.Replaced);
    }

    [Fact]
    public void An_escaped_backslash_before_u_is_no_escape_and_a_pair_stays_a_pair()
    {
        Assert.Equal(("\"\\\\ud83d\"", 0), LoneSurrogateEscapes.Repair("\"\\\\ud83d\""));
        Assert.Equal(("\"\\ud83d\\ude00\"", 0), LoneSurrogateEscapes.Repair("\"\\ud83d\\ude00\""));
        Assert.Equal(("{\"\\ufffd\": 1}", 1), LoneSurrogateEscapes.Repair("{\"\\uD800\": 1}"));
        Assert.Equal(("[\"\\ufffd", 1), LoneSurrogateEscapes.Repair("[\"\\ud800"));
    }
}
