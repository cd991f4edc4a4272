using System.Text.Json.Nodes;
using DataForge.Core.Media;
using DataForge.Core.Model;
using DataForge.Core.Pipeline;
using DataForge.Core.Rejects;
using DataForge.Core.Stages.Contract;
using DataForge.Core.Storage;
using DataForge.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using SkiaSharp;

namespace DataForge.Captions.Tests;

/// <summary>Captions of video clips (issue 24): the template names a clip's colours, motion, its cut and its sound.</summary>
public sealed class ClipCaptionTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private sealed class NoRejects : IRejectSink
    {
        public List<string> Reasons { get; } = [];

        public ValueTask RejectAsync(string input, string reason, string message, CancellationToken cancellationToken = default)
        {
            lock (Reasons)
            {
                Reasons.Add(reason);
            }

            return ValueTask.CompletedTask;
        }
    }

    private static byte[] Frame(SKColor colour, int square)
    {
        using var bitmap = new SKBitmap(160, 90);
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(colour);
            using var paint = new SKPaint { Color = SKColors.White };
            canvas.DrawRect(square, 30, 20, 20, paint);
        }

        using var data = bitmap.Encode(SKEncodedImageFormat.Jpeg, 90);
        return data.ToArray();
    }

    [Fact]
    public async Task A_clip_is_captioned_with_its_colours_its_cut_and_its_sound_and_keeps_its_track()
    {
        var output = new LocalStorage(_temp.Combine("out"));
        var media = new MediaStore(output);
        var frames = new List<MediaRef>();
        // Four red frames with a small square moving, then four blue ones: a cut at the fifth frame (2.0 s).
        for (var k = 0; k < 8; k++)
        {
            frames.Add(await media.PutAsync(Frame(k < 4 ? SKColors.Red : SKColors.Blue, 10 + (k * 12)), "image/jpeg"));
        }

        var source = await media.PutAsync("not decoded by the captioner"u8.ToArray(), "video/mp4");
        var wav = await media.PutAsync("RIFF"u8.ToArray(), "audio/wav");
        var clip = new VideoPart(source, 0, 4, 25, 160, 90, [0, 0.5, 1, 1.5, 2, 2.5, 3, 3.5], [.. frames], Role.Content);
        var sample = new Sample("clip", "t", [clip, new AudioPart(wav, 4, 16_000, Role.Content)], "{}");
        var rejects = new NoRejects();
        var context = new StageContext
        {
            StageName = "caption",
            TaskIndex = 0,
            TaskCount = 1,
            Inputs = [],
            Output = output,
            Media = media,
            Rejects = rejects,
            Outputs = new TaskOutputs(),
            Counters = new RunCounters(),
            ScratchDirectory = _temp.Path,
            Logger = NullLogger.Instance,
        };
        var stage = CaptionStage.Definition.Create(new JsonObject { ["kinds"] = new JsonArray("short", "dense"), ["languages"] = new JsonArray("en", "zh") }, "caption");

        var passed = await stage.RunAsync(new[] { sample }.ToAsyncEnumerable(), context).ToListAsync();

        Assert.Empty(rejects.Reasons);
        var captions = passed.Where(item => item.Id != "clip").ToList();
        Assert.Equal(4, captions.Count);
        Assert.All(captions, caption => Assert.Equal(["video", "audio", "text"], caption.Parts.Select(part => part.Kind)));
        var text = captions.Select(caption => ((TextPart)caption.Parts[2]).Text).ToList();
        Assert.StartsWith("A 4-second landscape video clip in ", text[0], StringComparison.Ordinal);
        Assert.Contains("red", text[0], StringComparison.Ordinal);
        Assert.Contains("blue", text[0], StringComparison.Ordinal);
        Assert.EndsWith(", with some motion.", text[0], StringComparison.Ordinal);
        // Kinds, then languages: short en, short zh, dense en, dense zh.
        Assert.Contains("红", text[1], StringComparison.Ordinal);
        Assert.Contains("the shot changes at 2 s", text[2], StringComparison.Ordinal);
        Assert.EndsWith("It has sound.", text[2], StringComparison.Ordinal);
        Assert.Contains("在2秒处切换镜头", text[3], StringComparison.Ordinal);
        Assert.Equal(0, (int)captions[0].MetaObject()["clip_index"]!);
    }
}
