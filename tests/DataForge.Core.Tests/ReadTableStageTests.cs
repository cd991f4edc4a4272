using System.Text.Json;
using System.Text.Json.Nodes;
using DataForge.Core.Model;
using DataForge.Core.Pipeline;
using DataForge.Core.SampleSets;
using DataForge.Core.Stages.ReadTable;
using DataForge.Core.Storage;
using DataForge.Testing;

namespace DataForge.Core.Tests;

/// <summary>read-table over the layouts caption datasets ship in: CSV with a header, JSON Lines, a JSON object holding rows.</summary>
public sealed class ReadTableStageTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private Task<(List<Sample> Samples, List<StageReject> Rejects)> RunAsync(JsonObject options, string output = "out") =>
        SourceStageRuns.RunAsync("read-table", options, _temp.Combine(output), RepositoryRoot.Samples);

    [Fact]
    public async Task The_bundled_caption_tables_become_image_caption_samples_with_their_split_and_columns()
    {
        var (samples, rejects) = await RunAsync(new JsonObject { ["inputs"] = new JsonArray("tables/captions.csv", "tables/captions.json"), ["images"] = "images" });

        // CSV: 3 good rows of 5; JSON: a row with two captions (two samples) and one good row of 3.
        Assert.Equal(6, samples.Count);
        Assert.All(samples, sample => Assert.Equal([typeof(ImagePart), typeof(TextPart)], sample.Parts.Select(part => part.GetType())));
        var first = samples.Single(sample => ((TextPart)sample.Parts[1]).Text.StartsWith("A red circle", StringComparison.Ordinal));
        Assert.Equal("train", first.Split);
        Assert.Equal("studio a", (string)first.MetaObject()["photographer"]!);
        Assert.Equal((477, 374), (((ImagePart)first.Parts[0]).Width, ((ImagePart)first.Parts[0]).Height));
        Assert.Contains(samples, sample => sample.Id == "s05#caption=1");
        Assert.Contains(samples, sample => sample.Id == "s06" && sample.Split is null);
        Assert.Equal(["table.image_missing", "table.image_path_outside", "table.row_incomplete"], rejects.Select(reject => reject.Reason).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_table_without_the_text_column_is_refused_naming_the_columns_it_has_and_text_only_tables_need_no_image()
    {
        Directory.CreateDirectory(_temp.Combine("t"));
        await File.WriteAllTextAsync(_temp.Combine("t", "a.tsv"), "url\tTITLE\n1.jpg\tx\n");
        await File.WriteAllTextAsync(_temp.Combine("t", "b.jsonl"), "{\"sentence\": \"a line of text\", \"lang\": \"en\"}\n{\"sentence\": \"x\", \"sentence\": \"y\"}\nnot json\n[1]\n{\"sentence\": \"" + new string('w', TableRows.MaxLineBytes) + "\"}\n{\"sentence\": \"lone \\ud83d escape\"}\n");
        await File.WriteAllTextAsync(_temp.Combine("t", "c.json"), "{\"a\": [{\"text\": \"x\"}], \"b\": [{\"text\": \"y\"}]}");

        var (samples, rejects) = await RunAsync(new JsonObject { ["inputs"] = new JsonArray(_temp.Combine("t")) });

        Assert.Equal(2, samples.Count);
        Assert.Contains(samples, sample => ((TextPart)sample.Parts[0]).Text == "lone \uFFFD escape");
        var text = samples.Single(sample => ((TextPart)sample.Parts[0]).Text == "a line of text");
        Assert.Equal("en", (string)text.MetaObject()["lang"]!);
        Assert.Contains(rejects, reject => reject.Reason == "table.missing_column" && reject.Message.Contains("the table's columns are url, title", StringComparison.Ordinal));
        Assert.Equal(3, rejects.Count(reject => reject.Reason == "table.invalid_row" && !reject.Message.Contains("several arrays", StringComparison.Ordinal)));
        Assert.Contains(rejects, reject => reject.Reason == "table.invalid_row" && reject.Message.Contains("several arrays of rows (a, b)", StringComparison.Ordinal));
        Assert.Contains(rejects, reject => reject.Reason == "record.too_large");

        var (_, named) = await RunAsync(new JsonObject { ["inputs"] = new JsonArray(_temp.Combine("t", "a.tsv")), ["text_column"] = "caption" }, "named");
        Assert.Contains(named, reject => reject.Reason == "table.missing_column" && reject.Message.StartsWith("no text column 'caption'", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Gzipped_tables_are_read_and_a_cut_one_is_input_corrupt_after_its_whole_rows()
    {
        Directory.CreateDirectory(_temp.Combine("gz"));
        static byte[] Gzip(string text)
        {
            using var packed = new MemoryStream();
            using (var gzip = new System.IO.Compression.GZipStream(packed, System.IO.Compression.CompressionLevel.Optimal, leaveOpen: true))
            {
                gzip.Write(System.Text.Encoding.UTF8.GetBytes(text));
            }

            return packed.ToArray();
        }

        await File.WriteAllBytesAsync(_temp.Combine("gz", "a.csv.gz"), Gzip("text,source\nfirst row of text,web\nsecond row of text,book\n"));
        var whole = Gzip(string.Concat(Enumerable.Range(0, 200).Select(i => $"{{\"caption\": \"caption number {i} of a long table\"}}\n")));
        await File.WriteAllBytesAsync(_temp.Combine("gz", "b.jsonl.gz"), whole[..(whole.Length - 12)]); // the gzip trailer and some data cut off

        var (samples, rejects) = await RunAsync(new JsonObject { ["inputs"] = new JsonArray(_temp.Combine("gz")) });

        Assert.Contains(samples, sample => ((TextPart)sample.Parts[0]).Text == "second row of text" && (string)sample.MetaObject()["source"]! == "book");
        Assert.True(samples.Count > 2, "the whole rows before the cut are read");
        Assert.Contains(rejects, reject => reject.Reason == "input.corrupt");
    }

    [Fact]
    public async Task An_empty_table_is_a_reject_and_a_coco_captions_file_gives_one_sample_per_caption()
    {
        Directory.CreateDirectory(_temp.Combine("e"));
        await File.WriteAllTextAsync(_temp.Combine("e", "header.csv"), "image,caption\n");
        await File.WriteAllTextAsync(_temp.Combine("e", "zero.jsonl"), string.Empty);
        await File.WriteAllTextAsync(_temp.Combine("e", "none.json"), "[]");
        var (nothing, empty) = await RunAsync(new JsonObject { ["inputs"] = new JsonArray(_temp.Combine("e")) }, "empty");
        Assert.Empty(nothing);
        Assert.Equal(3, empty.Count(reject => reject.Reason == "table.empty"));

        // The layout of COCO's captions_train2017.json (cocodataset.org/#format-data), two images, three captions.
        Directory.CreateDirectory(_temp.Combine("coco"));
        File.Copy(Path.Combine(RepositoryRoot.Samples, "images", "scene-00.png"), _temp.Combine("coco", "000000000009.png"));
        await File.WriteAllTextAsync(_temp.Combine("coco", "captions_val.json"), """
            {"info": {"year": 2017}, "licenses": [{"id": 1, "name": "x"}],
             "images": [{"id": 9, "file_name": "000000000009.png", "height": 480, "width": 640},
                        {"id": 25, "file_name": "000000000025.png", "height": 426, "width": 640}],
             "annotations": [{"image_id": 9, "id": 1, "caption": "A circle."}, {"image_id": 9, "id": 2, "caption": "A red disc."},
                             {"image_id": 31, "id": 3, "caption": "Of no image."}]}
            """);
        var (samples, rejects) = await RunAsync(new JsonObject { ["inputs"] = new JsonArray(_temp.Combine("coco", "captions_val.json")) }, "coco");
        Assert.Equal(["9#caption=0", "9#caption=1"], samples.Select(sample => sample.Id));
        Assert.Equal("A red disc.", ((TextPart)samples[1].Parts[1]).Text);
        Assert.Equal(640, (int)samples[0].MetaObject()["width"]!);
        Assert.Equal(["table.row_incomplete", "table.row_incomplete"], rejects.Select(reject => reject.Reason));
    }
}
