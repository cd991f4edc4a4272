using DataForge.Core.Storage;
using DataForge.Packing.Shards;
using DataForge.Speech.Audio;
using DataForge.Testing;
using DataForge.Training.Data;
using DataForge.Training.Media;
using DataForge.Training.Model;
using SkiaSharp;
using static TorchSharp.torch;

namespace DataForge.Training.Tests;

public sealed class MediaTests : IDisposable
{
    private const int ImagePad = 60, AudioPad = 61;

    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    /// <summary>A row: 4 text tokens, a 2×3 image grid, 2 text, 5 audio placeholders, 3 text; one document.</summary>
    private static ShardRow Row()
    {
        var row = SyntheticShards.Row(new Random(4), 24, 20);
        for (var i = 4; i < 10; i++)
        {
            row.InputIds[i] = ImagePad;
            row.Modality[i] = 1;
            row.RopeH[i] = 4 + ((i - 4) / 3);
            row.RopeW[i] = 4 + ((i - 4) % 3);
            row.RopeT[i] = 4;
        }

        for (var i = 12; i < 17; i++)
        {
            row.InputIds[i] = AudioPad;
            row.Modality[i] = 2;
        }

        row.Media = ["aa" + new string('1', 62), "bb" + new string('2', 62)];
        return row;
    }

    private string SampleSet()
    {
        var root = _temp.Combine("set");
        Directory.CreateDirectory(Path.Combine(root, "media", "aa"));
        Directory.CreateDirectory(Path.Combine(root, "media", "bb"));
        using (var bitmap = new SKBitmap(90, 60))
        {
            bitmap.Erase(new SKColor(200, 30, 30));
            using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
            File.WriteAllBytes(Path.Combine(root, "media", "aa", "aa" + new string('1', 62) + ".png"), data.ToArray());
        }

        var samples = Enumerable.Range(0, 3200).Select(i => (short)(8000 * Math.Sin(i * 0.3))).ToArray();
        File.WriteAllBytes(Path.Combine(root, "media", "bb", "bb" + new string('2', 62) + ".wav"), WavFile.Write(new PcmAudio(16000, 1, samples)));
        return root;
    }

    [Fact]
    public void The_loader_pairs_placeholder_runs_with_the_rows_media_in_order()
    {
        var loader = new MediaLoader(new LocalStorage(SampleSet()), ImagePad, AudioPad, _temp.Combine("scratch"));

        var (images, audio) = loader.Load(Row(), rowOffset: 100);

        var image = Assert.Single(images);
        Assert.Equal((2, 3), (image.Rows, image.Columns));
        Assert.Equal([104L, 105, 106, 107, 108, 109], image.Positions);
        Assert.Equal(6 * 4 * ImageInput.PatchValues, image.Patches.Length);
        // Red: the first channel near +0.57, the others near -0.76.
        Assert.InRange(image.Patches[0], 0.5f, 0.6f);
        Assert.InRange(image.Patches[ImageInput.Patch * ImageInput.Patch], -0.8f, -0.7f);
        var recording = Assert.Single(audio);
        Assert.Equal([112L, 113, 114, 115, 116], recording.Positions);
        Assert.Equal(1 + ((3200 - 400) / 160), recording.Frames);
    }

    [Fact]
    public void Missing_media_is_an_error_naming_it()
    {
        var loader = new MediaLoader(new LocalStorage(_temp.Path), ImagePad, AudioPad, _temp.Combine("scratch"));

        var error = Assert.Throws<DataForge.Core.DataForgeException>(() => loader.Load(Row(), 0));
        Assert.Contains("aa1111", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Encoder_features_replace_the_placeholders_and_reach_later_tokens_of_the_document()
    {
        manual_seed(0);
        using var model = new OmniMoeModel(ModelConfig.Preset("tiny", SyntheticShards.Vocabulary));
        var loader = new MediaLoader(new LocalStorage(SampleSet()), ImagePad, AudioPad, _temp.Combine("scratch"));
        using var plain = TrainingBatch.From([Row()]);
        using var withMedia = TrainingBatch.From([Row()], loader);
        using var noGrad = no_grad();

        var without = model.Forward(plain).Hidden.data<float>().ToArray();
        var with = model.Forward(withMedia).Hidden.data<float>().ToArray();

        var dim = model.Config.Dim;
        Assert.Equal(without[..(4 * dim)], with[..(4 * dim)]);
        Assert.NotEqual(without[(4 * dim)..(10 * dim)], with[(4 * dim)..(10 * dim)]);
        Assert.NotEqual(without[(12 * dim)..(17 * dim)], with[(12 * dim)..(17 * dim)]);
        Assert.NotEqual(without[(18 * dim)..(19 * dim)], with[(18 * dim)..(19 * dim)]);
    }

    [Fact]
    public void Log_mel_of_a_tone_peaks_in_the_band_of_its_frequency()
    {
        var tone = Enumerable.Range(0, 16000).Select(i => (short)(10000 * Math.Sin(2 * Math.PI * 1000 * i / 16000.0))).ToArray();

        var (features, frames) = LogMel.Compute(tone);

        Assert.Equal(98, frames);
        var middle = features.AsSpan(50 * LogMel.Bins, LogMel.Bins).ToArray();
        var peak = Array.IndexOf(middle, middle.Max());
        // 1 kHz on the HTK mel scale up to 8 kHz (80 bands): band ≈ 80 · mel(1000) / mel(8000) - 1 ≈ 25.
        Assert.InRange(peak, 22, 28);
    }
}
