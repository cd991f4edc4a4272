using DataForge.Speech.Audio;
using DataForge.Speech.Text;

namespace DataForge.Speech.Corpus;

/// <summary>Why an utterance is not training data: a reason code for the rejects file and a sentence for people.</summary>
public sealed record UtteranceProblem(string Reason, string Message);

/// <summary>
/// The checks an utterance passes before it becomes a sample: duration within bounds, not mostly silence, not
/// clipped, and a transcript whose length fits the audio (characters per second for Han text, words per second for
/// other scripts, each within a plausible range; a transcript far too long or too short for its audio is misaligned
/// or belongs to another clip).
/// </summary>
public sealed class UtteranceChecks(AsrOptions options)
{
    private const double FrameSeconds = 0.03;
    private const short FullScale = 32_700;

    public UtteranceProblem? Check(PcmAudio audio, string? transcript, string dialect)
    {
        var duration = audio.DurationSeconds;
        if (duration < options.MinDuration)
        {
            return new(AsrRejectReasons.DurationTooShort, $"{duration:0.###} s is shorter than min_duration {options.MinDuration} s");
        }

        if (duration > options.MaxDuration)
        {
            return new(AsrRejectReasons.DurationTooLong, $"{duration:0.###} s is longer than max_duration {options.MaxDuration} s");
        }

        var clipped = ClippedRatio(audio);
        if (clipped > options.MaxClippedRatio)
        {
            return new(AsrRejectReasons.AudioClipped, $"{clipped:P2} of samples are at full scale (max_clipped_ratio {options.MaxClippedRatio:P2})");
        }

        var speech = SpeechRatio(audio);
        if (speech < options.MinSpeechRatio)
        {
            return new(AsrRejectReasons.AudioMostlySilence, $"only {speech:P0} of the audio is above the silence level (min_speech_ratio {options.MinSpeechRatio:P0})");
        }

        if (transcript is null)
        {
            return null;
        }

        var (characters, words) = TranscriptNormalizer.Count(transcript);
        if (characters + words == 0)
        {
            return new(AsrRejectReasons.TextEmpty, "the transcript has no characters or words once tags and punctuation are removed");
        }

        var byCharacters = characters >= words;
        var count = byCharacters ? characters : words;
        var unit = byCharacters ? "characters" : "words";
        var range = options.RateByDialect.FirstOrDefault(pair => DialectTaxonomy.Resolve(pair.Key)?.Code == dialect).Value
            ?? (byCharacters ? options.CharactersPerSecond : options.WordsPerSecond);
        var rate = count / duration;
        if (rate < range[0] || rate > range[1])
        {
            return new(AsrRejectReasons.TextDurationMismatch, $"{count} {unit} in {duration:0.##} s is {rate:0.##} {unit}/s, outside the plausible {range[0]}..{range[1]} for {dialect}");
        }

        return null;
    }

    /// <summary>Share of samples at (or within 0.2 % of) full scale: a clipped recording sits there in plateaus.</summary>
    public static double ClippedRatio(PcmAudio audio)
    {
        long clipped = 0;
        foreach (var sample in audio.Samples)
        {
            if (sample >= FullScale || sample <= -FullScale)
            {
                clipped++;
            }
        }

        return audio.Samples.Length == 0 ? 0 : clipped / (double)audio.Samples.Length;
    }

    /// <summary>
    /// Share of 30 ms frames louder than the silence level: 35 dB below the loudest frame, never below -50 dBFS. An
    /// energy measure: it tells silence from sound, not speech from steady noise.
    /// </summary>
    public static double SpeechRatio(PcmAudio audio)
    {
        var frame = Math.Max(1, (int)(audio.SampleRate * FrameSeconds));
        var frames = Math.Max(1, audio.Samples.Length / frame);
        var levels = new double[frames];
        for (var f = 0; f < frames; f++)
        {
            double sum = 0;
            var end = Math.Min(audio.Samples.Length, (f + 1) * frame);
            for (var i = f * frame; i < end; i++)
            {
                sum += (double)audio.Samples[i] * audio.Samples[i];
            }

            levels[f] = 10 * Math.Log10((sum / Math.Max(1, end - (f * frame)) / (32768.0 * 32768.0)) + 1e-12);
        }

        var threshold = Math.Max(-50, levels.Max() - 35);
        return levels.Count(level => level > threshold) / (double)frames;
    }
}
