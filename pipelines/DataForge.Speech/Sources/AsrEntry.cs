using DataForge.Core.Storage;

namespace DataForge.Speech.Sources;

/// <summary>Where an utterance's audio is: the storage holding it, its path there, and the URI people see.</summary>
public sealed record AudioLocation(IStorage Storage, string Path, string Uri);

/// <summary>
/// One utterance as an input names it, before any audio is read: where it came from (<see cref="Source"/>, which
/// also keys its sample id), its audio, and the manifest fields; or the problem that makes it a reject.
/// </summary>
/// <param name="ProblemReason">the reject reason of <paramref name="Problem"/> (default entry.invalid)</param>
public sealed record AsrEntry(string Source, ManifestEntry? Entry, AudioLocation? Audio, string? Problem, string? ProblemReason = null)
{
    /// <summary>The recording: entries with the same audio are decoded once, and are each other's context.</summary>
    public string? RecordingKey => Audio?.Uri;
}
