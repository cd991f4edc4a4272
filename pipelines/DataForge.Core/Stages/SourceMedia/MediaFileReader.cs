using DataForge.Core.Media;
using DataForge.Core.Model;
using DataForge.Core.Rejects;
using DataForge.Core.Stages.Contract;
using DataForge.Core.Storage;

namespace DataForge.Core.Stages.SourceMedia;

/// <summary>The limits a source stage reads the media files its records name under.</summary>
/// <param name="Missing">The reason for a file that is not there.</param>
/// <param name="Outside">The reason for a path that is absolute, a URI or climbs out of its folder.</param>
public sealed record MediaFileRules(bool AllowPathsOutside, long MaxPixels, long MaxFileBytes, RejectReason Missing, RejectReason Outside);

/// <summary>
/// Reads an image or a WAV file a table row or a chat names, relative to a folder, into the media store: the path
/// guard first (a table from elsewhere cannot read the machine's files), then the size cap, then a full decode
/// (images) or header check (WAV). Every failure is a rejection naming the record and the file.
/// </summary>
public sealed class MediaFileReader(IStorage folder, MediaFileRules rules, StageContext context)
{
    public async Task<(ImagePart? Part, Rejection? Rejection)> ReadImageAsync(string? path, Role role, string where, CancellationToken cancellationToken)
    {
        var (bytes, rejection) = await ReadAsync(path, "image", where, cancellationToken);
        return bytes is null ? (null, rejection) : await ImageAsync(bytes, path!, role, where, cancellationToken);
    }

    /// <summary>An image whose bytes are already in hand (a data: URI, a Parquet cell), decoded and stored.</summary>
    public async Task<(ImagePart? Part, Rejection? Rejection)> ImageAsync(byte[] bytes, string name, Role role, string where, CancellationToken cancellationToken)
    {
        var probe = ImageProbe.Probe(bytes, rules.MaxPixels);
        if (!probe.Ok)
        {
            return (null, new Rejection(where, probe.RejectReason!, $"{name}: {probe.RejectMessage ?? probe.RejectReason}"));
        }

        var media = await context.Media.PutAsync(bytes, probe.Mime!, cancellationToken);
        return (new ImagePart(media, probe.Width, probe.Height, role), null);
    }

    public async Task<(AudioPart? Part, Rejection? Rejection)> ReadWavAsync(string? path, Role role, RejectReason unsupported, string where, CancellationToken cancellationToken)
    {
        var (bytes, rejection) = await ReadAsync(path, "audio", where, cancellationToken);
        return bytes is null ? (null, rejection) : await WavAsync(bytes, path!, role, unsupported, where, cancellationToken);
    }

    /// <summary>WAV bytes in hand, checked by their header (no decode: the duration is what packing needs) and stored.</summary>
    public async Task<(AudioPart? Part, Rejection? Rejection)> WavAsync(byte[] bytes, string name, Role role, RejectReason unsupported, string where, CancellationToken cancellationToken)
    {
        if (WavHeader.TryRead(bytes, out var problem) is not { } wav)
        {
            return (null, new Rejection(where, unsupported.Code, $"{name}: {problem} (audio is read as WAV; convert other formats with ffmpeg)"));
        }

        var media = await context.Media.PutAsync(bytes, "audio/wav", cancellationToken);
        return (new AudioPart(media, wav.DurationSeconds, wav.SampleRate, role), null);
    }

    private async Task<(byte[]? Bytes, Rejection? Rejection)> ReadAsync(string? path, string what, string where, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            return (null, new Rejection(where, rules.Missing.Code, $"no {what} path given"));
        }

        if (!rules.AllowPathsOutside && StoragePaths.LeavesFolder(path))
        {
            return (null, new Rejection(where, rules.Outside.Code, $"{what} '{path}' is absolute, a URI or leaves its folder (set allow_paths_outside: true to read such paths)"));
        }

        try
        {
            return (await folder.ReadAllBytesAsync(path, rules.MaxFileBytes, cancellationToken), null);
        }
        catch (StorageNotFoundException)
        {
            return (null, new Rejection(where, rules.Missing.Code, $"{StoragePaths.Join(folder.Uri, path)} does not exist"));
        }
        catch (InputTooLargeException e)
        {
            return (null, new Rejection(where, CoreRejectReasons.InputTooLarge.Code, $"{e.Message} (max_file_bytes)"));
        }
        catch (DataForgeException e)
        {
            // Not a regular file (a FIFO, a device): refused by the storage without being opened.
            return (null, new Rejection(where, rules.Missing.Code, e.Message));
        }
    }
}
