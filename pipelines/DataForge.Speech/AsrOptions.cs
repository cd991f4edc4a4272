using DataForge.Core.Pipeline;
using DataForge.Core.Stages.Contract;
using DataForge.Speech.Text;

namespace DataForge.Speech;

/// <summary>Options of the asr stage.</summary>
public sealed record AsrOptions : ISourceOptions
{
    [Option("Manifests (.tsv, .csv, .jsonl), Kaldi directories (their wav.scp) and subtitle files (.srt, .vtt) beside their audio.")]
    public IReadOnlyList<string>? Inputs { get; init; }

    [Option("Output sample rate in Hz (mono, 16-bit).")]
    public int SampleRate { get; init; } = 16_000;

    [Option("Read audio named by absolute paths or paths that climb out of the manifest's folder ('..'); off, so a manifest from elsewhere cannot read the machine's files.")]
    public bool AllowPathsOutside { get; init; }

    [Option("How utterances are stored in the media store: wav (16-bit PCM) or flac (lossless, about half the size).", Aliases = ["--format"])]
    public string AudioFormat { get; init; } = "wav";

    [Option("Utterances shorter than this many seconds are rejected (duration.too_short).")]
    public double MinDuration { get; init; } = 0.5;

    [Option("Utterances longer than this many seconds are rejected (duration.too_long); the VAD cuts long recordings below it.")]
    public double MaxDuration { get; init; } = 30;

    [Option("Recordings are decoded at most this many seconds in (16-bit PCM is held in memory: 2 hours at 16 kHz is 230 MB); entries that need audio past it are rejected (duration.too_long).")]
    public double MaxRecordingSeconds { get; init; } = 7200;

    [Option("Utterances whose frames are mostly below the silence level are rejected (audio.mostly_silence).")]
    public double MinSpeechRatio { get; init; } = 0.25;

    [Option("Utterances with more than this share of samples at full scale are rejected (audio.clipped).")]
    public double MaxClippedRatio { get; init; } = 0.001;

    [Option("Plausible Han characters per second (Chinese, Japanese, Korean text is counted in characters).")]
    public IReadOnlyList<double> CharactersPerSecond { get; init; } = [0.8, 10];

    [Option("Plausible words per second for text in other scripts.")]
    public IReadOnlyList<double> WordsPerSecond { get; init; } = [0.4, 5];

    [Option("Per-dialect overrides of the plausible rate, in the unit its script is counted in (code → [min, max]).")]
    public IReadOnlyDictionary<string, IReadOnlyList<double>> RateByDialect { get; init; } = new Dictionary<string, IReadOnlyList<double>>();

    [Option("The dialect or language of entries that name none: a Chinese dialect label the taxonomy knows, or any language by ISO 639-1/639-3 or BCP-47 (en, eng, en-US, ja); without it they are rejects.")]
    public string? Dialect { get; init; }

    [Option("The domain of entries that name none (news, medical, …), stated in the context prompt.")]
    public string? Domain { get; init; }

    [Option("keep (default: dialect text keeps its characters), simplified or traditional.")]
    public string Script { get; init; } = "keep";

    [Option("A file of hotwords (one term per line) for the context prompts; relative to the pipeline file.")]
    public string? Glossary { get; init; }

    [Option("At most this many hotwords in a prompt.")]
    public int MaxHotwords { get; init; } = 10;

    [Option("Glossary terms that the utterance does not contain, added to its hotwords so the model learns to choose.")]
    public int Distractors { get; init; } = 2;

    [Option("Language of the context prompt: zh or en.", Aliases = ["--prompt-lang"])]
    public string PromptLanguage { get; init; } = "zh";

    [Option("Share of utterances held out for dev, by speaker: no speaker is in two splits.", Aliases = ["--dev"])]
    public double DevFraction { get; init; } = 0.1;

    [Option("Share of utterances held out for test, by speaker.", Aliases = ["--test"])]
    public double TestFraction { get; init; } = 0.1;

    [Option("Seeds the speaker order of the splits and the choice of distractors.")]
    public long Seed { get; init; }

    [Option("Entries without a transcript become unlabelled utterances (no target part; long recordings split at pauses by the VAD) instead of rejects.")]
    public bool KeepUntranscribed { get; init; }

    public IEnumerable<string> Validate()
    {
        if (SampleRate is < 8000 or > 48_000)
        {
            yield return "sample_rate must be 8000..48000";
        }

        if (AudioFormat is not ("wav" or "flac"))
        {
            yield return "audio_format must be wav or flac";
        }

        if (MinDuration <= 0 || MaxDuration <= MinDuration)
        {
            yield return "min_duration must be positive and below max_duration";
        }

        if (!(MaxRecordingSeconds >= MaxDuration && MaxRecordingSeconds <= 86_400))
        {
            yield return "max_recording_seconds must be at least max_duration and at most 86400 (a day)";
        }

        if (MinSpeechRatio is < 0 or > 1 || MaxClippedRatio is < 0 or > 1)
        {
            yield return "min_speech_ratio and max_clipped_ratio must be in [0, 1]";
        }

        foreach (var (name, range) in new[] { ("characters_per_second", CharactersPerSecond), ("words_per_second", WordsPerSecond) }.Concat(RateByDialect.Select(pair => ($"rate_by_dialect.{pair.Key}", pair.Value))))
        {
            if (range.Count != 2 || range[0] < 0 || range[1] <= range[0])
            {
                yield return $"{name} must be [min, max] with 0 <= min < max";
            }
        }

        foreach (var label in RateByDialect.Keys.Append(Dialect).OfType<string>())
        {
            if (DialectTaxonomy.Resolve(label) is null)
            {
                yield return $"dialect '{label}' is neither a Chinese dialect in the taxonomy (dataforge asr --list-dialects shows it) nor an ISO 639 / BCP-47 language (en, eng, en-US, ja)";
            }
        }

        if (Script is not ("keep" or "simplified" or "traditional"))
        {
            yield return "script must be keep, simplified or traditional";
        }

        if (PromptLanguage is not ("zh" or "en"))
        {
            yield return "prompt_language must be zh or en";
        }

        if (MaxHotwords < 0 || Distractors < 0)
        {
            yield return "max_hotwords and distractors must not be negative";
        }

        if (DevFraction < 0 || TestFraction < 0 || DevFraction + TestFraction >= 1)
        {
            yield return "dev_fraction and test_fraction must not be negative and must leave some data for training";
        }
    }
}
