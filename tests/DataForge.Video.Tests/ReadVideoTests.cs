using System.Text.Json.Nodes;
using DataForge.Core.Media;
using DataForge.Core.Model;
using DataForge.Core.Pipeline;
using DataForge.Core.SampleSets;
using DataForge.Core.Stages.Contract;
using DataForge.Core.Storage;
using DataForge.Speech.Audio;
using DataForge.Testing;
using DataForge.Video.Frames;
using SkiaSharp;

namespace DataForge.Video.Tests;

/// <summary>
/// read-video on videos the ffmpeg CLI makes from its lavfi sources. The peer for the frames is the ffmpeg CLI alone
/// picking frame N by its display number (the select filter's n, decoding from the start: no seeking, no timestamps);
/// the peer for which frames are sampled is transformers' Qwen2VLVideoProcessor.sample_frames (VideoFrameSamplingTests).
/// </summary>
public sealed class ReadVideoTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private async Task<(List<Sample> Samples, List<JsonObject> Rejects, string Output)> RunAsync(IEnumerable<string> inputs, JsonObject options, string output = "out", int workers = 2)
    {
        options["inputs"] = new JsonArray([.. inputs.Select(input => JsonValue.Create(input))]);
        var spec = new PipelineSpec("video", [], _temp.Combine(output), [new StageSpec("read-video", options, new SourceLocation("t", 1, 1)), new StageSpec("write", [], new SourceLocation("t", 2, 1))], 1, _temp.Path);
        try
        {
            await PipelineRuns.RunAsync(spec, [ReadVideoStage.Definition], workers);
        }
        catch (DataForge.Core.DataForgeException) when (Directory.Exists(_temp.Combine(output, "rejects")))
        {
            // "nothing was produced: every record was rejected" — the rejects are what the test reads.
        }

        var samples = File.Exists(_temp.Combine(output, "_SUCCESS")) ? await SampleSetReader.ReadAsync(new LocalStorage(_temp.Combine(output))).ToListAsync() : [];
        var rejects = Directory.Exists(_temp.Combine(output, "rejects"))
            ? Directory.GetFiles(_temp.Combine(output, "rejects")).SelectMany(File.ReadAllLines).Select(line => (JsonObject)JsonNode.Parse(line)!).ToList()
            : [];
        return (samples, rejects, _temp.Combine(output));
    }

    private static string Hashes(byte[] bytes) => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes));

    private static (int Width, int Height) Size(string jpegPath)
    {
        using var bitmap = SKBitmap.Decode(jpegPath);
        return (bitmap.Width, bitmap.Height);
    }

    [Fact]
    public async Task Sampled_frames_are_the_frames_ffmpeg_alone_finds_by_number_with_the_clip_audio_and_subtitles()
    {
        var video = Clips.PatternWithTone(_temp.Combine("pattern.mp4"), 6);
        await File.WriteAllTextAsync(_temp.Combine("pattern.srt"), "1\n00:00:00,500 --> 00:00:02,000\nfirst cue\n\n2\n00:00:03,200 --> 00:00:04,000\nsecond cue\n");
        var (samples, rejects, output) = await RunAsync([video, _temp.Combine("pattern.srt")], new JsonObject { ["clip_seconds"] = 3 });

        Assert.Empty(rejects);
        Assert.Equal(2, samples.Count);
        for (var c = 0; c < 2; c++)
        {
            var clip = (VideoPart)samples[c].Parts[0];
            Assert.Equal((c * 3.0, 3.0, 25.0, 320, 240), (clip.StartSeconds, clip.DurationSeconds, clip.Fps, clip.Width, clip.Height));

            // 75 frames at 2 fps: 6 frames, torch.arange(0, 75, 12.5) truncated: 0 12 25 37 50 62 (transformers).
            long[] expected = [0, 12, 25, 37, 50, 62];
            Assert.Equal(expected.Select(i => Math.Round(i / 25.0, 6)), clip.FrameTimes);
            for (var f = 0; f < expected.Length; f++)
            {
                var number = (int)((c * 75) + expected[f]);
                // H.264 decoding is bit-exact and the scaler the same: the same frame gives the same pixels, so the
                // same JPEG bytes once both are encoded alike; the next frame does not.
                var ours = await File.ReadAllBytesAsync(Path.Combine(output, MediaStore.PathOf(clip.Frames[f])));
                Assert.Equal(Hashes(FrameExtractor.Encode(Clips.FrameByNumber(video, number, 320, 240), 320, 240, 90)), Hashes(ours));
                Assert.NotEqual(Hashes(FrameExtractor.Encode(Clips.FrameByNumber(video, number + 1, 320, 240), 320, 240, 90)), Hashes(ours));
            }

            var audio = Assert.IsType<AudioPart>(samples[c].Parts[1]);
            Assert.Equal(16_000, audio.SampleRate);
            Assert.InRange(audio.DurationSeconds, 2.95, 3.0);
            var pcm = WavFile.Read(await File.ReadAllBytesAsync(Path.Combine(output, MediaStore.PathOf(audio.Media))));
            Assert.True(pcm.Samples.Select(s => Math.Abs((int)s)).Max() > 3000, "the tone is in the clip's audio");

            var text = Assert.IsType<TextPart>(samples[c].Parts[2]);
            Assert.Equal(c == 0 ? "first cue" : "second cue", text.Text);
            Assert.Equal(Role.Target, text.Role);
            var meta = samples[c].MetaObject();
            Assert.Equal("subtitles", (string?)meta["caption_kind"]);
            Assert.Equal(c == 0 ? 0.5 : 0.2, (double)meta["subtitles"]![0]!["start"]!, 3);
            Assert.Equal(75, (int)meta["source_frames"]!);
            Assert.True((bool)meta["has_audio"]!);
        }

        // One source video, stored once, shared by both clips.
        Assert.Equal(((VideoPart)samples[0].Parts[0]).Media, ((VideoPart)samples[1].Parts[0]).Media);
        Assert.Equal(new FileInfo(video).Length, new FileInfo(Path.Combine(output, MediaStore.PathOf(((VideoPart)samples[0].Parts[0]).Media))).Length);
    }

    [Fact]
    public async Task A_rotated_video_gives_upright_frames_and_a_silent_one_no_audio_part()
    {
        var plain = Clips.Make(_temp.Combine("plain.mp4"), "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25:duration=2", "-c:v", "libx264", "-pix_fmt", "yuv420p");
        var rotated = Clips.Make(_temp.Combine("rotated.mp4"), "-i", plain, "-c", "copy", "-metadata:s:v:0", "rotate=90");
        var (samples, rejects, output) = await RunAsync([rotated], new JsonObject { ["clips"] = "whole" });

        Assert.Empty(rejects);
        var sample = Assert.Single(samples);
        var clip = Assert.IsType<VideoPart>(Assert.Single(sample.Parts));
        Assert.Equal((240, 320), (clip.Width, clip.Height));
        Assert.Equal(90, Math.Abs((int)sample.MetaObject()["rotation"]!));
        Assert.False((bool)sample.MetaObject()["has_audio"]!);

        // ffmpeg turns the frames itself (autorotate) when it decodes: the CLI's frame, portrait, is ours.
        Assert.Equal((240, 320), Size(Path.Combine(output, MediaStore.PathOf(clip.Frames[0]))));
        Assert.Equal(Hashes(FrameExtractor.Encode(Clips.FrameByNumber(rotated, 0, 240, 320), 240, 320, 90)), Hashes(await File.ReadAllBytesAsync(Path.Combine(output, MediaStore.PathOf(clip.Frames[0])))));
    }

    [Fact]
    public async Task A_variable_frame_rate_is_sampled_on_the_frames_each_clip_really_has()
    {
        // 30 fps for 2 s, then 10 fps for 2 s (timestamps rewritten, frames kept): 60 frames, then 20.
        var vfr = Clips.Make(_temp.Combine("vfr.mkv"), "-f", "lavfi", "-i", "testsrc2=size=160x120:rate=30:duration=2.66", "-vf", "setpts='if(lt(N\\,60)\\,N/30\\,2+(N-60)/10)/TB'", "-fps_mode", "vfr", "-c:v", "libx264", "-pix_fmt", "yuv420p");
        var (samples, rejects, _) = await RunAsync([vfr], new JsonObject { ["clip_seconds"] = 2 });

        Assert.Empty(rejects);
        Assert.Equal(2, samples.Count);
        Assert.Equal(60, (int)samples[0].MetaObject()["source_frames"]!);
        Assert.Equal(20, (int)samples[1].MetaObject()["source_frames"]!);
        Assert.True((bool)samples[0].MetaObject()["variable_frame_rate"]!);
        foreach (var sample in samples)
        {
            var clip = (VideoPart)sample.Parts[0];
            Assert.Equal(4, clip.Frames.Length);
            Assert.True(clip.FrameTimes.Zip(clip.FrameTimes.Skip(1)).All(pair => pair.First < pair.Second));
            Assert.All(clip.FrameTimes, time => Assert.InRange(time, 0, clip.DurationSeconds));
        }

        // In the 10 fps half every sampled frame falls on a 0.1 s step: the real frames, not a 30 fps grid.
        Assert.All(((VideoPart)samples[1].Parts[0]).FrameTimes, time => Assert.Equal(0, (time * 10) - Math.Round(time * 10), 6));
    }

    [Fact]
    public async Task Bad_videos_are_rejected_with_their_reason_and_nothing_is_decoded_past_the_caps()
    {
        await File.WriteAllTextAsync(_temp.Combine("text.mp4"), "not a video at all");
        var pattern = Clips.PatternWithTone(_temp.Combine("pattern.mp4"), 2);
        await File.WriteAllBytesAsync(_temp.Combine("cut.mp4"), (await File.ReadAllBytesAsync(pattern))[..2000]);
        Clips.Make(_temp.Combine("tone.mp4"), "-f", "lavfi", "-i", "sine=duration=1");
        await File.WriteAllTextAsync(_temp.Combine("orphan.srt"), "1\n00:00:00,000 --> 00:00:01,000\nno video\n");
        await File.WriteAllTextAsync(_temp.Combine("notes.txt"), "not a video");
        var (_, rejects, _) = await RunAsync(
            [_temp.Combine("text.mp4"), _temp.Combine("cut.mp4"), _temp.Combine("tone.mp4"), _temp.Combine("orphan.srt"), _temp.Combine("notes.txt")], [], "bad");
        var reasons = rejects.ToDictionary(reject => Path.GetFileName((string)reject["input"]!), reject => (string)reject["reason"]!);
        Assert.Equal(
            new Dictionary<string, string>
            {
                ["text.mp4"] = "video.undecodable",
                ["cut.mp4"] = "video.undecodable",
                ["tone.mp4"] = "video.no_video_stream",
                ["orphan.srt"] = "subtitles.orphan",
                ["notes.txt"] = "input.unsupported_format",
            },
            reasons);

        var (_, large, _) = await RunAsync([pattern], new JsonObject { ["max_source_pixels"] = 320 * 239 }, "large");
        Assert.Equal("video.too_large", (string)Assert.Single(large)["reason"]!);
        var (_, many, _) = await RunAsync([pattern], new JsonObject { ["max_source_frames"] = 49 }, "many");
        Assert.Equal("video.too_many_frames", (string)Assert.Single(many)["reason"]!);

        // A clip too short for one temporal patch (a single frame) has its reason; the video's other clips stay.
        var (samples, shortClip, _) = await RunAsync([pattern], new JsonObject { ["fps"] = 0.1, ["min_frames"] = 0, ["clip_seconds"] = 1 }, "short");
        Assert.Empty(samples);
        Assert.All(shortClip, reject => Assert.Equal("video.clip_too_short", (string)reject["reason"]!));
    }

    [Fact]
    public async Task Streams_without_timestamps_or_frames_damaged_audio_and_broken_cues_have_their_reasons()
    {
        // A raw H.264 elementary stream (ffprobe finds it by content whatever its name): packets without timestamps.
        var raw = Clips.Make(_temp.Combine("raw.h264"), "-f", "lavfi", "-i", "testsrc=size=64x48:duration=1", "-c:v", "libx264", "-f", "h264");
        File.Move(raw, _temp.Combine("raw.mpg"));

        // A YUV4MPEG header and no frame: a video stream with nothing in it.
        await File.WriteAllTextAsync(_temp.Combine("empty.mpg"), "YUV4MPEG2 W16 H16 F25:1 Ip A1:1 C420jpeg\n");

        // One AAC packet of the first clip overwritten: with -xerror the clip's audio fails; the second clip is whole.
        var damaged = Clips.PatternWithTone(_temp.Combine("damaged.mp4"), 4);
        var packets = System.Text.Json.JsonDocument.Parse(System.Text.Encoding.UTF8.GetString(Clips.Probe(damaged, "-select_streams", "a:0", "-show_entries", "packet=pos,size", "-of", "json")));
        var packet = packets.RootElement.GetProperty("packets")[5];
        var (position, size) = (long.Parse(packet.GetProperty("pos").GetString()!, System.Globalization.CultureInfo.InvariantCulture), int.Parse(packet.GetProperty("size").GetString()!, System.Globalization.CultureInfo.InvariantCulture));
        var bytes = await File.ReadAllBytesAsync(damaged);
        bytes.AsSpan((int)position, size).Fill(0xFF);
        await File.WriteAllBytesAsync(damaged, bytes);
        await File.WriteAllTextAsync(_temp.Combine("damaged.srt"), "1\n00:00:02,500 --> 00:00:03,000\nkept\n\n2\nno timing line here\n");

        var (samples, rejects, _) = await RunAsync([_temp.Combine("raw.mpg"), _temp.Combine("empty.mpg"), damaged, _temp.Combine("damaged.srt")], new JsonObject { ["clip_seconds"] = 2 });
        var reasons = rejects.ToDictionary(reject => Path.GetFileName((string)reject["input"]!), reject => (string)reject["reason"]!);
        Assert.Equal(
            new Dictionary<string, string>
            {
                ["damaged.mp4#t=0,2"] = "video.audio_undecodable",
                ["damaged.srt"] = "subtitles.invalid_cue",
                ["empty.mpg"] = "video.empty",
                ["raw.mpg"] = "video.no_timestamps",
            },
            reasons);
        var kept = Assert.Single(samples);
        Assert.Equal("kept", Assert.IsType<TextPart>(kept.Parts[2]).Text);
        Assert.IsType<AudioPart>(kept.Parts[1]);
    }

    [Fact]
    public async Task A_clip_with_hundreds_of_sampled_frames_gets_every_one()
    {
        // 150 frames sampled from 150: ffmpeg 5.1 re-parses a flat chain of that many select terms and fails; the
        // extractor's balanced sum does not (this clip had no frames before).
        var video = Clips.PatternWithTone(_temp.Combine("pattern.mp4"), 6);
        var (samples, rejects, output) = await RunAsync([video], new JsonObject { ["clips"] = "whole", ["fps"] = 25, ["audio"] = false });
        Assert.Empty(rejects);
        var clip = (VideoPart)Assert.Single(samples).Parts[0];
        Assert.Equal(150, clip.Frames.Length);
        Assert.Equal(Enumerable.Range(0, 150).Select(i => Math.Round(i / 25.0, 6)), clip.FrameTimes);
        var last = await File.ReadAllBytesAsync(Path.Combine(output, MediaStore.PathOf(clip.Frames[149])));
        Assert.Equal(Hashes(FrameExtractor.Encode(Clips.FrameByNumber(video, 149, 320, 240), 320, 240, 90)), Hashes(last));
    }

    [Fact]
    public async Task The_same_videos_give_the_same_bytes_with_one_worker_or_four()
    {
        var video = Clips.PatternWithTone(_temp.Combine("pattern.mp4"), 4);
        var (_, _, one) = await RunAsync([video], new JsonObject { ["clip_seconds"] = 1 }, "one", workers: 1);
        var (_, _, four) = await RunAsync([video], new JsonObject { ["clip_seconds"] = 1 }, "four", workers: 4);
        Assert.Equal(await File.ReadAllBytesAsync(Path.Combine(one, "part-00000.parquet")), await File.ReadAllBytesAsync(Path.Combine(four, "part-00000.parquet")));
        Assert.Equal(
            Directory.GetFiles(Path.Combine(one, "media"), "*", SearchOption.AllDirectories).Select(Path.GetFileName).Order(),
            Directory.GetFiles(Path.Combine(four, "media"), "*", SearchOption.AllDirectories).Select(Path.GetFileName).Order());
    }
}
