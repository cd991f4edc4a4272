using DataForge.Core.Storage;
using DataForge.Packing.Shards;
using DataForge.Speech.Audio;
using DataForge.Testing;
using DataForge.Training.Media;
using SkiaSharp;

namespace DataForge.Training.Tests;

/// <summary>
/// A packed clip (schemas/packed-shards.md, "Video part") read back for the encoders: each temporal patch's grid gets
/// its two frames averaged at its own positions, and the audio interleaved in every chunk is one recording.
/// </summary>
public sealed class VideoMediaTests : IDisposable
{
    private const int ImagePad = 60, AudioPad = 61, ImageEnd = 62, ImageStart = 63, AudioStart = 64, AudioEnd = 65;

    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private static string Sha(char c) => new(c, 64);

    /// <summary>
    /// Tokens 2..: image start, audio start, patch 0 (2×2 at t 4), 3 audio, patch 1 (2×2 at t 6), 2 audio, audio end,
    /// image end. Media: red and blue frames for patch 0, green twice for patch 1 (an odd last frame), the recording.
    /// </summary>
    private static ShardRow Row()
    {
        var row = SyntheticShards.Row(new Random(7), 24, 22);
        var at = 2;
        void Token(int id, byte modality, int t, int h, int w)
        {
            (row.InputIds[at], row.Modality[at], row.RopeT[at], row.RopeH[at], row.RopeW[at]) = (id, modality, t, h, w);
            at++;
        }

        Token(ImageStart, 3, 2, 2, 2);
        Token(AudioStart, 2, 3, 3, 3);
        void Patch(int t)
        {
            for (var k = 0; k < 4; k++)
            {
                Token(ImagePad, 3, t, 4 + (k / 2), 4 + (k % 2));
            }
        }

        Patch(4);
        for (var j = 0; j < 3; j++)
        {
            Token(AudioPad, 2, 4 + j, 4 + j, 4 + j);
        }

        Patch(6);
        for (var j = 3; j < 5; j++)
        {
            Token(AudioPad, 2, 4 + j, 4 + j, 4 + j);
        }

        Token(AudioEnd, 2, 9, 9, 9);
        Token(ImageEnd, 3, 10, 10, 10);
        row.Media = [Sha('a'), Sha('b'), Sha('c'), Sha('c'), Sha('d')];
        return row;
    }

    private string SampleSet()
    {
        var root = _temp.Combine("set");
        foreach (var (sha, colour) in new[] { ('a', new SKColor(255, 0, 0)), ('b', new SKColor(0, 0, 255)), ('c', new SKColor(0, 255, 0)) })
        {
            Directory.CreateDirectory(Path.Combine(root, "media", $"{sha}{sha}"));
            using var bitmap = new SKBitmap(64, 64);
            bitmap.Erase(colour);
            using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
            File.WriteAllBytes(Path.Combine(root, "media", $"{sha}{sha}", Sha(sha) + ".png"), data.ToArray());
        }

        Directory.CreateDirectory(Path.Combine(root, "media", "dd"));
        var samples = Enumerable.Range(0, 3200).Select(i => (short)(8000 * Math.Sin(i * 0.3))).ToArray();
        File.WriteAllBytes(Path.Combine(root, "media", "dd", Sha('d') + ".wav"), WavFile.Write(new PcmAudio(16000, 1, samples)));
        return root;
    }

    [Fact]
    public void Each_patch_averages_its_two_frames_and_the_chunked_audio_is_one_recording()
    {
        var loader = new MediaLoader(new LocalStorage(SampleSet()), ImagePad, AudioPad, _temp.Combine("scratch"), ImageEnd);

        var (images, audio) = loader.Load(Row(), rowOffset: 1000);

        Assert.Equal(2, images.Count);
        Assert.All(images, image => Assert.Equal((2, 2), (image.Rows, image.Columns)));
        Assert.Equal([1004L, 1005, 1006, 1007], images[0].Positions);
        Assert.Equal([1011L, 1012, 1013, 1014], images[1].Positions);

        // Patch 0: red and blue averaged (R and B at 0, G at -1 in [-1, 1]); patch 1: green alone.
        var plane = ImageInput.Patch * ImageInput.Patch;
        Assert.Equal((0f, -1f, 0f), (images[0].Patches[0], images[0].Patches[plane], images[0].Patches[2 * plane]));
        Assert.Equal((-1f, 1f, -1f), (images[1].Patches[0], images[1].Patches[plane], images[1].Patches[2 * plane]));

        var recording = Assert.Single(audio);
        Assert.Equal([1008L, 1009, 1010, 1015, 1016], recording.Positions);
    }
}
