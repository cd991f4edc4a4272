using System.Runtime.CompilerServices;
using DataForge.Core;
using DataForge.Core.Storage;

namespace DataForge.Speech.Sources;

/// <summary>What kind of asr input a file is, judged by its name.</summary>
public enum AsrInputKind
{
    Manifest,
    KaldiDirectory,
    Subtitles,

    /// <summary>Audio or a Kaldi companion file: read through the manifest or wav.scp that names it, not by itself.</summary>
    Companion,
    Unsupported,
}

/// <summary>
/// Turns the asr stage's input files into utterance entries: manifests (TSV, CSV, JSON Lines), Kaldi directories
/// (through their wav.scp) and subtitle files cut at cue times (the audio beside them with the same name). Audio
/// paths resolve against the folder of the file that names them and must stay inside it: an absolute path or one
/// that climbs out with '..' is rejected (audio.path_outside) unless <c>allowPathsOutside</c>, so a manifest from
/// elsewhere cannot make the stage read arbitrary files of the machine. URIs (az://…) are taken as they are.
/// </summary>
public sealed class AsrInputs(StorageFactory storageFactory, bool allowPathsOutside = false)
{
    public static IReadOnlyList<string> AudioExtensions => FileFormats.AudioExtensions;

    private readonly Dictionary<string, IStorage> _storages = new(StringComparer.Ordinal);

    public static AsrInputKind KindOf(string path)
    {
        var name = StoragePaths.FileName(path);
        var kind = FileFormats.Of(name);
        return name switch
        {
            KaldiDirectoryReader.WavScp => AsrInputKind.KaldiDirectory,
            _ when KaldiDirectoryReader.CompanionFiles.Contains(name) || kind.Is(FileFormat.Audio) => AsrInputKind.Companion,
            _ when kind.Is(FileFormat.Tsv) || kind.Is(FileFormat.Csv) || kind.Is(FileFormat.Jsonl) || kind.Is(FileFormat.Json) => AsrInputKind.Manifest,
            _ when kind.Is(FileFormat.Subtitles) => AsrInputKind.Subtitles,
            _ => AsrInputKind.Unsupported,
        };
    }

    public async IAsyncEnumerable<AsrEntry> ReadAsync(InputFile file, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        switch (KindOf(file.Path))
        {
            case AsrInputKind.Manifest:
                {
                    await using var stream = await file.Storage.OpenReadAsync(file.Path, cancellationToken);
                    using var reader = new StreamReader(stream);
                    await foreach (var (entry, problem, line) in ManifestReader.ReadAsync(reader, file.Path, cancellationToken))
                    {
                        yield return Entry($"{file.Uri}#line={line}", entry, problem, file);
                    }

                    break;
                }

            case AsrInputKind.KaldiDirectory:
                {
                    var folder = StoragePaths.Directory(file.Path);
                    await foreach (var (entry, problem, line) in KaldiDirectoryReader.ReadAsync(file.Storage, folder, cancellationToken))
                    {
                        var key = entry?.Utterance is { } utterance ? $"utt={utterance}" : $"line={line}";
                        yield return Entry($"{StoragePaths.Directory(file.Uri)}#{key}", entry, problem, file);
                    }

                    break;
                }

            case AsrInputKind.Subtitles:
                await foreach (var entry in SubtitleEntriesAsync(file, cancellationToken))
                {
                    yield return entry;
                }

                break;
        }
    }

    private async IAsyncEnumerable<AsrEntry> SubtitleEntriesAsync(InputFile file, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        string? audio = null;
        var stem = file.Path[..^Path.GetExtension(file.Path).Length];
        foreach (var extension in AudioExtensions)
        {
            if (await file.Storage.ExistsAsync(stem + extension, cancellationToken))
            {
                audio = StoragePaths.FileName(stem + extension);
                break;
            }
        }

        if (audio is null)
        {
            yield return new AsrEntry(file.Uri, null, null, $"no audio beside the subtitles: expected {StoragePaths.FileName(stem)} with one of {string.Join(", ", AudioExtensions)}");
            yield break;
        }

        var text = System.Text.Encoding.UTF8.GetString(await file.Storage.ReadAllBytesAsync(file.Path, cancellationToken));
        var (cues, problems) = SubtitleReader.Parse(text);
        foreach (var problem in problems)
        {
            yield return new AsrEntry($"{file.Uri}#problem", null, null, problem);
        }

        foreach (var cue in cues)
        {
            var entry = new ManifestEntry(cue.Index, audio, cue.Text, null, null, null, cue.Start, cue.End) { Utterance = $"{StoragePaths.FileName(stem)}-{cue.Index:D4}" };
            yield return Entry($"{file.Uri}#cue={cue.Index}", entry, null, file);
        }
    }

    private AsrEntry Entry(string source, ManifestEntry? entry, string? problem, InputFile file)
    {
        if (entry is null)
        {
            return new AsrEntry(source, null, null, problem);
        }

        if (!allowPathsOutside && StoragePaths.LeavesFolder(entry.Audio))
        {
            return new AsrEntry(source, null, null, $"audio path '{entry.Audio}' is absolute or leaves the folder of the file naming it (set allow_paths_outside: true to read it)", AsrRejectReasons.AudioPathOutside);
        }

        try
        {
            return new AsrEntry(source, entry, Locate(entry.Audio, file), null);
        }
        catch (UsageException e)
        {
            // A scheme storage does not read (http://): this entry's problem, not the run's.
            return new AsrEntry(source, null, null, $"audio '{entry.Audio}': {e.Message}");
        }
    }

    /// <summary>
    /// The audio an input names, relative to that input's folder unless it is a URI or an absolute path. Its URI is
    /// spelled as the input's is (a relative input gives a relative URI), so sources and meta do not depend on where
    /// the data lies on disk.
    /// </summary>
    public AudioLocation Locate(string audio, InputFile file)
    {
        var named = audio.Replace('\\', '/');
        var uri = named.Contains("://", StringComparison.Ordinal) || named.StartsWith('/')
            ? named
            : Collapse(StoragePaths.Join(StoragePaths.Directory(file.Uri.Replace('\\', '/')), named));
        var parent = StoragePaths.Directory(uri);
        if (!_storages.TryGetValue(parent, out var storage))
        {
            _storages[parent] = storage = storageFactory.Open(parent.Length == 0 ? "." : parent);
        }

        return new AudioLocation(storage, StoragePaths.FileName(uri), uri);
    }

    /// <summary>'.' and '..' segments resolved textually; a '..' with nothing before it to remove stays (a relative local path).</summary>
    private static string Collapse(string uri)
    {
        var scheme = uri.IndexOf("://", StringComparison.Ordinal);
        var head = scheme < 0 ? (uri.StartsWith('/') ? "/" : string.Empty) : uri[..(scheme + 3)];
        var minimum = scheme < 0 ? 0 : 1;
        var kept = new List<string>();
        foreach (var segment in uri[head.Length..].Split('/'))
        {
            if (segment == "..")
            {
                if (kept.Count > minimum && kept[^1] != "..")
                {
                    kept.RemoveAt(kept.Count - 1);
                }
                else if (scheme < 0)
                {
                    kept.Add(segment);
                }
            }
            else if (segment is not ("." or ""))
            {
                kept.Add(segment);
            }
        }

        return head + string.Join('/', kept);
    }
}
