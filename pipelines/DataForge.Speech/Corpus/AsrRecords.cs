namespace DataForge.Speech.Corpus;

/// <summary>An input entry (or a cut of one) that does not become a sample, and why.</summary>
public sealed record UtteranceReject(string Input, string Reason, string Message);

/// <summary>
/// One utterance's line in the speech-toolkit manifests. <see cref="UtteranceId"/> is the Kaldi utterance id: the
/// speaker id first (Kaldi sorts utt2spk by utterance and expects speakers to come out grouped), then the sample id.
/// </summary>
public sealed record ManifestRow(
    string Split, string UtteranceId, string Speaker, string MediaPath, double Duration, string Text, string Dialect, string? Domain, string Context, string SampleId);

/// <summary>What one recording gave: samples in input order, their manifest rows, rejects and counters.</summary>
public sealed record RecordingResult(
    IReadOnlyList<DataForge.Core.Model.Sample> Samples,
    IReadOnlyList<ManifestRow> Rows,
    IReadOnlyList<UtteranceReject> Rejects,
    IReadOnlyList<(string Name, long Count)> Counters);
