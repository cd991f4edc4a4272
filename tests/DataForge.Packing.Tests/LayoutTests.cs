using System.Collections.Immutable;
using System.Text.Json;
using DataForge.Core.Model;
using DataForge.Packing.Layout;
using DataForge.Packing.Shards;
using DataForge.Packing.Tokenization;
using DataForge.Testing;

namespace DataForge.Packing.Tests;

public sealed class LayoutTests
{
    private static readonly TiktokenEncoding Cl100k = TiktokenEncoding.TryLoad("cl100k_base")!;
    private static readonly MediaRef Png = new(new string('a', 64), "image/png");
    private static readonly MediaRef Wav = new(new string('b', 64), "audio/wav");

    private static List<int> Encode(string text)
    {
        var ids = new List<int>();
        Cl100k.CreateSession().Encode(text, ids);
        return ids;
    }

    private static LayoutResult Lay(Sample sample, PackOptions? options = null) =>
        new DocumentLayout(options ?? new PackOptions(), Cl100k).Lay(sample, Cl100k.CreateSession(), 0);

    /// <summary>
    /// Every case of tests/qwen2vl-reference/smart_resize.json, which transformers' own smart_resize computed
    /// (make_expected.py beside it): 1 444 sizes from 1 to 10 000 px per side, tiny sides and the refused aspect
    /// ratios over 200 included.
    /// </summary>
    [Fact]
    public void Image_grids_equal_transformers_Qwen2_VL_smart_resize_on_every_reference_size()
    {
        using var reference = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepositoryRoot.Path, "tests", "qwen2vl-reference", "smart_resize.json")));
        var root = reference.RootElement;
        var (factor, min, max) = (root.GetProperty("factor").GetInt32(), root.GetProperty("min_pixels").GetInt32(), root.GetProperty("max_pixels").GetInt32());
        var cases = root.GetProperty("cases").EnumerateArray().ToList();
        Assert.True(cases.Count > 1000);
        var differing = new List<string>();
        foreach (var item in cases)
        {
            var (height, width) = (item.GetProperty("height").GetInt32(), item.GetProperty("width").GetInt32());
            var expected = item.TryGetProperty("error", out _) ? (ImageGrid?)null : new ImageGrid(item.GetProperty("h_bar").GetInt32() / factor, item.GetProperty("w_bar").GetInt32() / factor);
            var actual = ImageGrid.For(width, height, factor, min, max);
            if (actual != expected)
            {
                differing.Add($"{width}x{height}: {actual?.ToString() ?? "refused"}, transformers {expected?.ToString() ?? "refused"}");
            }
        }

        Assert.Empty(differing);
    }

    [Fact]
    public void An_image_transformers_would_refuse_is_a_reject_naming_its_shape()
    {
        var result = Lay(new Sample("s", "t", [new ImagePart(Png, 1, 1000, Role.Content), new TextPart("a thin line", Role.Target)]));
        Assert.Empty(result.Documents);
        Assert.Equal("pack.image_unsupported_shape", result.RejectReason);
        Assert.Contains("1x1000", result.RejectMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void A_text_document_is_its_tokens_then_the_end_token_all_with_loss()
    {
        var result = Lay(new Sample("d", "s", [new TextPart("Hello world", Role.Content)]));
        var document = Assert.Single(result.Documents);
        Assert.Equal([.. Encode("Hello world"), 100257], document.Ids);
        Assert.All(document.Loss, Assert.True);
        Assert.All(document.Modality, modality => Assert.Equal(Modality.Text, modality));
        Assert.Null(document.Rope);
        Assert.Equal(Enumerable.Range(0, document.Length).Select(i => (i, i, i)), Enumerable.Range(0, document.Length).Select(document.RopeAt));
    }

    [Fact]
    public void An_image_becomes_start_pads_end_without_loss_and_with_grid_positions()
    {
        var sample = new Sample("d", "s", [new TextPart("Look:", Role.Context), new ImagePart(Png, 112, 56, Role.Content), new TextPart("a cat", Role.Target)]);
        var document = Assert.Single(Lay(sample).Documents);
        var look = Encode("Look:").Count;
        var image = document.Ids.AsSpan(look, 2 + 8).ToArray(); // 112×56 → 2 rows × 4 columns
        Assert.Equal([100277, .. Enumerable.Repeat(100278, 8), 100279], image);
        Assert.All(document.Modality.AsSpan(look, 10).ToArray(), modality => Assert.Equal(Modality.Image, modality));
        Assert.All(document.Loss.AsSpan(look, 10).ToArray(), Assert.False);
        var pads = document.Rope!.AsSpan(look + 1, 8).ToArray();
        var basePosition = look + 1;
        Assert.Equal((basePosition, basePosition + 1, basePosition + 3), pads[^1]);
        // Text after the image resumes after the larger side of the grid (Qwen2-VL get_rope_index).
        Assert.Equal(basePosition + 4, document.Rope![look + 9].T);
        Assert.Equal([Png.Sha256], document.Media);
    }

    [Fact]
    public void Audio_gets_ceil_duration_times_25_placeholders()
    {
        var document = Assert.Single(Lay(new Sample("d", "s", [new AudioPart(Wav, 1.01, 16000, Role.Content)])).Documents);
        Assert.Equal(1 + 26 + 1 + 1, document.Length);
        Assert.Equal(Modality.Audio, document.Modality[1]);
    }

    [Theory]
    [InlineData(double.NaN, "pack.audio_invalid_duration")]
    [InlineData(-3.0, "pack.audio_invalid_duration")]
    [InlineData(0.0, "pack.audio_invalid_duration")]
    [InlineData(1e308, "pack.media_document_too_long")]
    [InlineData(3600.0, "pack.media_document_too_long")]
    public void An_audio_duration_from_elsewhere_that_is_no_number_or_longer_than_a_sequence_is_a_reject_not_an_allocation(double seconds, string reason)
    {
        var result = Lay(new Sample("d", "s", [new AudioPart(Wav, seconds, 16000, Role.Content)]));
        Assert.Empty(result.Documents);
        Assert.Equal(reason, result.RejectReason);
    }

    [Fact]
    public void With_loss_on_targets_only_context_and_instruction_carry_no_loss()
    {
        var sample = new Sample("d", "s", [new TextPart("Question?", Role.Instruction), new TextPart("Answer.", Role.Target)]);
        var document = Assert.Single(Lay(sample, new PackOptions { Loss = "targets" }).Documents);
        var question = Encode("Question?").Count;
        Assert.All(document.Loss[..question], Assert.False);
        Assert.All(document.Loss[question..], Assert.True);
    }

    [Fact]
    public void A_long_text_is_cut_into_chunks_and_only_the_last_ends_the_document()
    {
        var text = string.Join(' ', Enumerable.Range(0, 300).Select(i => $"word{i}"));
        var result = Lay(new Sample("long", "s", [new TextPart(text, Role.Content)]), new PackOptions { SeqLen = 64 });
        var all = Encode(text);
        Assert.True(result.Documents.Count > 2);
        Assert.All(result.Documents.SkipLast(1), chunk => Assert.Equal(64, chunk.Length));
        Assert.Equal([.. all, 100257], result.Documents.SelectMany(chunk => chunk.Ids));
        Assert.DoesNotContain(100257, result.Documents[0].Ids);
        Assert.Equal(["long#0", "long#1"], result.Documents.Take(2).Select(chunk => chunk.DocId));
        Assert.Equal((0, 0, 0), result.Documents[1].RopeAt(0));
    }

    [Fact]
    public void A_document_with_media_that_does_not_fit_a_row_is_rejected_not_cut()
    {
        var result = Lay(new Sample("big", "s", [new ImagePart(Png, 1000, 1000, Role.Content)]), new PackOptions { SeqLen = 64 });
        Assert.Empty(result.Documents);
        Assert.Equal("pack.media_document_too_long", result.RejectReason);
    }

    [Fact]
    public void An_empty_sample_is_rejected()
    {
        Assert.Equal("pack.empty_document", Lay(new Sample("e", "s", ImmutableArray<Part>.Empty)).RejectReason);
        Assert.Equal("pack.empty_document", Lay(new Sample("e", "s", [new TextPart(string.Empty, Role.Target)])).RejectReason);
    }

    [Fact]
    public void A_row_is_laid_out_with_padding_at_the_end_and_boundaries_in_cu_seqlens()
    {
        var first = new TokenizedDocument("a", 0, 0, [1, 2, 3], [true, true, false], [0, 0, 0], [(0, 0, 0), (1, 1, 1), (2, 2, 2)], []);
        var second = new TokenizedDocument("b", 1, 0, [4, 5], [true, true], [1, 1], [(0, 0, 0), (0, 0, 1)], ["m"]);
        var row = RowAssembler.Assemble(new Packing.PackedRow([first, second]), 8, 99);
        Assert.Equal([1, 2, 3, 4, 5, 99, 99, 99], row.InputIds);
        Assert.Equal([1, 2, -100, 4, 5, -100, -100, -100], row.Labels);
        Assert.Equal([0, 0, 0, 1, 1, 255, 255, 255], row.Modality);
        Assert.Equal([0, 1, 2, 0, 1, 0, 0, 0], row.PositionIds);
        Assert.Equal([0, 3, 5], row.CuSeqlens);
        Assert.Equal(["a", "b"], row.DocIds);
        Assert.Equal(["m"], row.Media);
        Assert.Equal([0, 1, 2, 0, 1, 0, 0, 0], row.RopeW);
    }

    /// <summary>A kind the layout does not know (as video will be before its layout lands).</summary>
    private sealed record HologramPart(Role Role) : Part(Role)
    {
        public override string Kind => "hologram";
    }

    [Fact]
    public void A_part_kind_the_layout_does_not_know_stops_the_run_instead_of_vanishing_from_the_row()
    {
        var sample = new Sample("s", "t", ImmutableArray.Create<Part>(new TextPart("before", Role.Target), new HologramPart(Role.Content)));
        var error = Assert.Throws<InvalidOperationException>(() => Lay(sample));
        Assert.Contains("part kind 'hologram' is not handled here", error.Message, StringComparison.Ordinal);
    }
}
