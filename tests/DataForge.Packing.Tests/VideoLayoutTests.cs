using System.Collections.Immutable;
using DataForge.Core.Model;
using DataForge.Packing.Layout;
using DataForge.Packing.Tokenization;

namespace DataForge.Packing.Tests;

/// <summary>
/// A clip's layout, worked by hand from the rule in schemas/packed-shards.md ("Video part"), which follows
/// Qwen2.5-Omni's get_rope_index with use_audio_in_video (transformers models/qwen2_5_omni): grids of temporal patches
/// at t = base + floor(time × 25), audio at base + j, chunks of 50 positions, video before audio in each chunk.
/// </summary>
public sealed class VideoLayoutTests
{
    private static readonly TiktokenEncoding Cl100k = TiktokenEncoding.TryLoad("cl100k_base")!;
    private static readonly MediaRef Source = new(new string('5', 64), "video/mp4");
    private static readonly MediaRef Wav = new(new string('b', 64), "audio/wav");

    /// <summary>Frames of 56 × 28 px under bounds of [28², 56²]: one row of two tokens per patch.</summary>
    private static readonly PackOptions Small = new() { VideoMinPixels = 28 * 28, VideoMaxPixels = 56 * 56 };

    private static MediaRef Frame(int k) => new(k.ToString("x", System.Globalization.CultureInfo.InvariantCulture).PadLeft(64, 'f'), "image/jpeg");

    private static VideoPart Clip(params double[] times) =>
        new(Source, 10, 3, 25, 56, 28, [.. times], [.. times.Select((_, k) => Frame(k))], Role.Content);

    private static LayoutResult Lay(Sample sample, PackOptions options) =>
        new DocumentLayout(options, Cl100k).Lay(sample, Cl100k.CreateSession(), 0);

    [Fact]
    public void A_clip_interleaves_its_patches_and_audio_in_two_second_chunks_at_their_times()
    {
        // Five frames: patches at 0 s, 1.0 s and 2.2 s (the odd last frame pairs with itself); 2.5 s of audio: 63 tokens.
        var sample = new Sample("v", "t", [Clip(0, 0.5, 1.0, 1.5, 2.2), new AudioPart(Wav, 2.5, 16_000, Role.Content), new TextPart("x", Role.Target)]);
        var document = Assert.Single(Lay(sample, Small).Documents);
        var specials = Cl100k.SpecialTokens;
        int imageStart = specials["<|image_start|>"], imagePad = specials["<|image_pad|>"], imageEnd = specials["<|image_end|>"];
        int audioStart = specials["<|audio_start|>"], audioPad = specials["<|audio_pad|>"], audioEnd = specials["<|audio_end|>"];

        var expected = new List<(int Id, byte Modality, (int, int, int) Position)>
        {
            (imageStart, Modality.Video, (0, 0, 0)),
            (audioStart, Modality.Audio, (1, 1, 1)),
        };

        // base 2. Chunk 0 (offsets 0..49): patches at offsets 0 and 25, then audio 0..49.
        void Patch(int offset)
        {
            expected.Add((imagePad, Modality.Video, (2 + offset, 2, 2)));
            expected.Add((imagePad, Modality.Video, (2 + offset, 2, 3)));
        }

        Patch(0);
        Patch(25);
        expected.AddRange(Enumerable.Range(0, 50).Select(j => (audioPad, Modality.Audio, (2 + j, 2 + j, 2 + j))));

        // Chunk 1 (50..99): the patch at floor(2.2 × 25) = 55, then audio 50..62.
        Patch(55);
        expected.AddRange(Enumerable.Range(50, 13).Select(j => (audioPad, Modality.Audio, (2 + j, 2 + j, 2 + j))));

        // One past the largest offset used (62): 2 + 63 = 65.
        expected.Add((audioEnd, Modality.Audio, (65, 65, 65)));
        expected.Add((imageEnd, Modality.Video, (66, 66, 66)));
        var x = new List<int>();
        Cl100k.CreateSession().Encode("x", x);
        expected.Add((Assert.Single(x), Modality.Text, (67, 67, 67)));
        expected.Add((Cl100k.EndOfDocumentId, Modality.Text, (68, 68, 68)));

        Assert.Equal(expected.Select(e => e.Id), document.Ids);
        Assert.Equal(expected.Select(e => e.Modality), document.Modality);
        Assert.Equal(expected.Select(e => e.Position), Enumerable.Range(0, document.Length).Select(document.RopeAt));
        Assert.Equal([.. Enumerable.Range(0, 5).Select(k => Frame(k).Sha256), Frame(4).Sha256, Wav.Sha256], document.Media);
        Assert.Equal(expected.Count - 2, document.Loss.Count(loss => !loss));
    }

    [Fact]
    public void Without_interleaving_the_track_follows_the_clip_as_any_audio()
    {
        var sample = new Sample("v", "t", [Clip(0, 0.5), new AudioPart(Wav, 0.2, 16_000, Role.Content)]);
        var document = Assert.Single(Lay(sample, Small with { InterleaveVideoAudio = false }).Documents);

        // <|image_start|> 2 grid tokens <|image_end|>, then <|audio_start|> 5 × pad <|audio_end|>, then the end token.
        Assert.Equal([Modality.Video, Modality.Video, Modality.Video, Modality.Video, .. Enumerable.Repeat(Modality.Audio, 7), Modality.Text], document.Modality);
        Assert.Equal((1, 1, 2), document.RopeAt(2));
        Assert.Equal((3, 3, 3), document.RopeAt(3));
        Assert.Equal([Frame(0).Sha256, Frame(1).Sha256, Wav.Sha256], document.Media);
    }

    [Fact]
    public void A_clip_longer_than_a_row_and_times_that_cannot_be_placed_are_rejects()
    {
        var tooLong = Lay(new Sample("v", "t", [Clip([.. Enumerable.Range(0, 64).Select(k => k * 0.5)])]), Small with { SeqLen = 64 });
        Assert.Equal("pack.media_document_too_long", tooLong.RejectReason);

        var backwards = Lay(new Sample("v", "t", [Clip(1.0, 0.5)]), Small);
        Assert.Equal("pack.video_invalid_times", backwards.RejectReason);
        var notANumber = Lay(new Sample("v", "t", [Clip(0, double.NaN)]), Small);
        Assert.Equal("pack.video_invalid_times", notANumber.RejectReason);
    }
}
