using System.Text.Json;
using DataForge.Core.Media;
using DataForge.Core.Model;
using DataForge.Core.Rejects;
using DataForge.Core.SampleSets;
using DataForge.Core.Storage;

namespace DataForge.Core.Inspect;

/// <summary>Summarises a sample set by reading it (not by trusting its manifest), streaming.</summary>
public static class SampleSetInspector
{
    public static async Task<bool> IsSampleSetAsync(IStorage storage, CancellationToken cancellationToken = default) =>
        await storage.ExistsAsync(SampleSetFiles.Manifest, cancellationToken)
        || (await SampleSetReader.PartFilesAsync(storage, cancellationToken)).Count > 0;

    public static async Task<SampleSetSummary> SummarizeAsync(IStorage storage, CancellationToken cancellationToken = default)
    {
        var files = await SampleSetReader.PartFilesAsync(storage, cancellationToken);
        var parts = new PartCounts();
        var splits = new SortedDictionary<string, long>(StringComparer.Ordinal);
        long samples = 0, textChars = 0;
        double audioSeconds = 0, videoSeconds = 0;
        var sources = new SortedDictionary<string, SourceShare>(StringComparer.Ordinal);
        await foreach (var sample in SampleSetReader.ReadAsync(storage, cancellationToken))
        {
            samples++;
            var source = SourceFile(sample.Source);
            var share = sources.GetValueOrDefault(source) ?? new SourceShare(0, 0);
            sources[source] = new SourceShare(share.Samples + 1, share.TextChars + sample.Parts.OfType<TextPart>().Sum(part => (long)part.Text.Length));
            parts.Add(sample);
            var split = sample.Split ?? "(none)";
            splits[split] = splits.GetValueOrDefault(split) + 1;
            foreach (var part in sample.Parts)
            {
                switch (part)
                {
                    case TextPart text:
                        textChars += text.Text.Length;
                        break;
                    case AudioPart audio:
                        audioSeconds += audio.DurationSeconds;
                        break;
                    case VideoPart video:
                        videoSeconds += video.DurationSeconds;
                        break;
                    case ImagePart:
                        break;
                    default:
                        throw Part.Unhandled(part);
                }
            }
        }

        long mediaObjects = 0, mediaBytes = 0;
        await foreach (var item in storage.ListAsync(MediaStore.Folder, cancellationToken))
        {
            mediaObjects++;
            mediaBytes += item.Length;
        }

        string? configHash = null;
        if (await storage.ExistsAsync(SampleSetFiles.Manifest, cancellationToken))
        {
            await using var stream = await storage.OpenReadAsync(SampleSetFiles.Manifest, cancellationToken);
            using var manifest = await JsonDocument.ParseAsync(stream, cancellationToken: cancellationToken);
            configHash = manifest.RootElement.TryGetProperty("config_hash", out var hash) ? hash.GetString() : null;
        }

        return new SampleSetSummary
        {
            Path = storage.Uri,
            Complete = await storage.ExistsAsync(SampleSetFiles.Success, cancellationToken),
            ConfigHash = configHash,
            Files = files.Count,
            Samples = samples,
            Sources = sources,
            Parts = parts,
            TextChars = textChars,
            AudioSeconds = Math.Round(audioSeconds, 3),
            VideoSeconds = Math.Round(videoSeconds, 3),
            Splits = splits,
            Media = new MediaSummary(mediaObjects, mediaBytes),
            RejectsByReason = await CountRejectsAsync(storage, cancellationToken),
        };
    }

    /// <summary>A sample's source file: its source without the fragment that names the record in it.</summary>
    public static string SourceFile(string source)
    {
        var hash = source.IndexOf('#', StringComparison.Ordinal);
        return hash < 0 ? source : source[..hash];
    }

    /// <summary>How lines of a rejects file that are not rejects are counted.</summary>
    public const string UnreadableLine = "(not a reject line)";

    private static async Task<IReadOnlyDictionary<string, long>> CountRejectsAsync(IStorage storage, CancellationToken cancellationToken)
    {
        var counts = new SortedDictionary<string, long>(StringComparer.Ordinal);
        await foreach (var item in storage.ListAsync(SampleSetFiles.RejectsFolder, cancellationToken))
        {
            if (!item.Path.EndsWith(".jsonl", StringComparison.Ordinal))
            {
                continue;
            }

            await using var stream = await storage.OpenReadAsync(item.Path, cancellationToken);
            using var reader = new StreamReader(stream);
            while (await reader.ReadLineAsync(cancellationToken) is { } line)
            {
                if (line.Length == 0)
                {
                    continue;
                }

                // A rejects file from elsewhere may hold anything: a line that is not a reject is counted as such,
                // under a name no catalogued code has, rather than ending the inspection.
                string reason;
                try
                {
                    reason = JsonSerializer.Deserialize<Reject>(line)?.Reason ?? UnreadableLine;
                }
                catch (JsonException)
                {
                    reason = UnreadableLine;
                }

                counts[reason] = counts.GetValueOrDefault(reason) + 1;
            }
        }

        return counts;
    }
}
