using DataForge.Speech.Audio;
using DataForge.Speech.Corpus;

namespace DataForge.Speech.Tests;

public sealed class UtteranceChecksTests
{
    private static PcmAudio Tone(double seconds, double amplitude = 8000, double silentShare = 0)
    {
        var samples = new short[(int)(seconds * 16000)];
        var silent = (int)(samples.Length * silentShare);
        for (var i = silent; i < samples.Length; i++)
        {
            samples[i] = (short)Math.Clamp(amplitude * Math.Sin(2 * Math.PI * 220 * i / 16000), short.MinValue, short.MaxValue);
        }

        return new PcmAudio(16000, 1, samples);
    }

    private static string? Reason(PcmAudio audio, string? text, AsrOptions? options = null, string dialect = "cmn") =>
        new UtteranceChecks(options ?? new AsrOptions()).Check(audio, text, dialect)?.Reason;

    [Fact]
    public void A_plain_utterance_passes() => Assert.Null(Reason(Tone(3), "今天天气很好"));

    [Theory]
    [InlineData(0.3, "duration.too_short")]
    [InlineData(31, "duration.too_long")]
    public void Durations_outside_the_bounds_are_rejected(double seconds, string reason) =>
        Assert.Equal(reason, Reason(Tone(seconds), "你好"));

    [Fact]
    public void Audio_at_full_scale_is_clipped() => Assert.Equal("audio.clipped", Reason(Tone(2, amplitude: 90_000), "你好"));

    [Fact]
    public void Mostly_silent_audio_is_rejected_and_a_little_silence_is_not()
    {
        Assert.Equal("audio.mostly_silence", Reason(Tone(5, silentShare: 0.9), "你好"));
        Assert.Null(Reason(Tone(2, silentShare: 0.3), "你好"));
    }

    [Theory]
    [InlineData("这句话对一秒钟的录音来说实在是太长了根本说不完", 1.0, "text.duration_mismatch")]
    [InlineData("好", 8.0, "text.duration_mismatch")]
    [InlineData("one two three four five six seven eight nine ten eleven twelve", 1.0, "text.duration_mismatch")]
    [InlineData("one two three", 1.5, null)]
    [InlineData("。，！", 1.5, "text.empty")]
    public void Transcripts_whose_length_does_not_fit_the_audio_are_rejected(string text, double seconds, string? reason) =>
        Assert.Equal(reason, Reason(Tone(seconds), text));

    [Fact]
    public void A_dialect_can_have_its_own_rate_range()
    {
        var options = new AsrOptions { RateByDialect = new Dictionary<string, IReadOnlyList<double>> { ["Cantonese"] = [0.1, 2] } };

        Assert.Equal("text.duration_mismatch", Reason(Tone(1), "今日天氣好好", options, "yue"));
        Assert.Null(Reason(Tone(1), "今日天氣好好", options, "cmn"));
    }

    [Fact]
    public void Untranscribed_audio_is_checked_for_sound_only() => Assert.Null(Reason(Tone(2), null));
}
