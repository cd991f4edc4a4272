using DataForge.Speech.Sources;

namespace DataForge.Speech.Tests;

public sealed class SubtitleReaderTests
{
    [Fact]
    public void Srt_cues_give_times_and_clean_text()
    {
        var (cues, problems) = SubtitleReader.Parse("1\r\n00:00:01,500 --> 00:00:03,250\r\n<i>今天天气</i>\r\n很好\r\n\r\n2\r\n00:01:02,000 --> 00:01:04,000\r\n{\\an8}第二句\r\n");

        Assert.Empty(problems);
        Assert.Equal(2, cues.Count);
        Assert.Equal(new SubtitleCue(1, 1.5, 3.25, "今天天气 很好"), cues[0]);
        Assert.Equal(62.0, cues[1].Start);
        Assert.Equal("第二句", cues[1].Text);
    }

    [Fact]
    public void WebVtt_skips_headers_notes_and_voice_tags()
    {
        var (cues, problems) = SubtitleReader.Parse("WEBVTT\n\nNOTE made by hand\n\nintro\n00:05.000 --> 00:07.500 align:start\n<v Speaker 1>早晨</v>\n\n01:00:00.000 --> 01:00:02.000\n收工\n");

        Assert.Empty(problems);
        Assert.Equal([5.0, 3600.0], cues.Select(cue => cue.Start));
        Assert.Equal(["早晨", "收工"], cues.Select(cue => cue.Text));
    }

    [Fact]
    public void Broken_cues_are_problems()
    {
        var (cues, problems) = SubtitleReader.Parse("1\n00:00:05,000 --> 00:00:04,000\nbackwards\n\n2\n5 seconds --> 6 seconds\nwords\n\n3\nno timing here\n");

        Assert.Empty(cues);
        Assert.Equal(3, problems.Count);
        Assert.Contains("ends before it starts", problems[0], StringComparison.Ordinal);
    }
}
