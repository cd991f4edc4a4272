using DataForge.Core.Stages.Contract;

namespace DataForge.Speech.Corpus;

/// <summary>
/// One utterance's line in the speech-toolkit manifests. <see cref="UtteranceId"/> is the Kaldi utterance id: the
/// speaker id first (Kaldi sorts utt2spk by utterance and expects speakers to come out grouped), then the sample id.
/// </summary>
public sealed record ManifestRow(
    string Split, string UtteranceId, string Speaker, string MediaPath, double Duration, string Text, string Dialect, string? Domain, string Context, string SampleId);

/// <summary>What one recording gave: its outcome (samples in input order, rejects, counters) and the samples' manifest rows.</summary>
public sealed record RecordingResult(StageOutcome Outcome, IReadOnlyList<ManifestRow> Rows)
{
    public static RecordingResult Of(IReadOnlyList<DataForge.Core.Model.Sample> samples, IReadOnlyList<ManifestRow> rows, IReadOnlyList<Rejection> rejects, IReadOnlyList<(string Name, long Count)> counters) =>
        new(new StageOutcome { Samples = samples, Rejections = rejects, Counters = [.. counters.Select(counter => KeyValuePair.Create(counter.Name, counter.Count))] }, rows);
}
