using DataForge.Core.Hashing;
using DataForge.Speech.Sources;

namespace DataForge.Speech.Corpus;

/// <summary>
/// The speaker an entry counts as. Without a speaker label the recording is its own speaker: splitting by recording
/// is the safe choice, since one recording is one voice more often than not.
/// </summary>
public static class SpeakerIds
{
    public static (string Speaker, bool Inferred) Of(AsrEntry entry)
    {
        var given = entry.Entry?.Speaker?.Trim();
        return string.IsNullOrEmpty(given)
            ? ($"recording-{Hashes.Sha256Hex(entry.RecordingKey ?? entry.Source)[..12]}", true)
            : (given, false);
    }

    /// <summary>Kaldi ids are whitespace-free; '-' is kept for the speaker/utterance boundary, so speakers never contain it.</summary>
    public static string ForKaldi(string speaker) =>
        string.Concat(speaker.Select(c => char.IsWhiteSpace(c) || c == '-' ? '_' : c));
}
