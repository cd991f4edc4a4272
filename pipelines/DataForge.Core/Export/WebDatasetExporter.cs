using System.Formats.Tar;
using System.Text.Json.Nodes;
using DataForge.Core.Hashing;
using DataForge.Core.Media;
using DataForge.Core.Model;
using DataForge.Core.SampleSets;
using DataForge.Core.Storage;

namespace DataForge.Core.Export;

/// <summary>What an export wrote.</summary>
public sealed record WebDatasetExport(int Shards, long Samples, long MediaFiles, long Bytes);

/// <summary>
/// Writes a sample set as WebDataset shards (<c>shard-00000.tar</c>, …, each published atomically): per sample, with
/// a key of its 9-digit position (keys hold no dots, as the webdataset library splits names at the first one), each
/// medium as <c>{key}.{ext}</c> when the sample has one of its kind's extension, else <c>{key}.{n}.{ext}</c>; the caption
/// as <c>{key}.txt</c> when the sample has exactly one text part (what img2dataset readers take); and
/// <c>{key}.json</c>: <c>{"format": "dataforge.webdataset-sample", "id", "source", "split", "meta", "parts": [...]}</c>,
/// parts in order, media by member extension, so read-webdataset gives the very sample back. Tar entries are
/// deterministic (mtime 0, uid/gid 0, mode 0644): the same set gives the same bytes. A video part is its sampled
/// frames (<c>{key}.{n}.{k}.jpg</c>) and a JSON entry with their times; its source video is named, not exported, so
/// read-webdataset refuses such a part rather than guess the video.
/// </summary>
public static class WebDatasetExporter
{
    public const string Format = "dataforge.webdataset-sample";

    public static async Task<WebDatasetExport> ExportAsync(IStorage set, IStorage output, int samplesPerShard, CancellationToken cancellationToken)
    {
        var media = new MediaStore(set);
        int shards = 0;
        long samples = 0, files = 0, bytes = 0;
        IAtomicWrite? current = null;
        TarWriter? tar = null;
        var inShard = 0;
        try
        {
            await foreach (var sample in SampleSetReader.ReadAsync(set, cancellationToken))
            {
                if (tar is null || inShard == samplesPerShard)
                {
                    if (tar is not null)
                    {
                        await tar.DisposeAsync();
                        await current!.CommitAsync(cancellationToken);
                        await current.DisposeAsync();
                    }

                    current = await output.BeginWriteAsync($"shard-{shards++:D5}.tar", cancellationToken);
                    tar = new TarWriter(current.Stream, TarEntryFormat.Ustar, leaveOpen: true);
                    inShard = 0;
                }

                var key = samples.ToString("D9", System.Globalization.CultureInfo.InvariantCulture);
                var parts = new JsonArray();
                var texts = sample.Parts.OfType<TextPart>().ToList();
                var mediaParts = sample.Parts.OfType<MediaPart>().ToList();
                var index = 0;
                foreach (var part in sample.Parts)
                {
                    switch (part)
                    {
                        case TextPart text:
                            parts.Add(new JsonObject { ["kind"] = "text", ["role"] = text.Role.ToWire(), ["text"] = text.Text });
                            break;
                        case VideoPart video:
                            // The sampled frames, not the source video: a clip's source is often an hour long and
                            // shared by hundreds of clips. The source stays named by its hash.
                            var frameMembers = new JsonArray();
                            for (var f = 0; f < video.Frames.Length; f++)
                            {
                                var frameMember = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{index}.{f}.jpg");
                                var frame = await ReadMediaAsync(media, video.Frames[f], set.Uri, cancellationToken);
                                await AddAsync(tar, $"{key}.{frameMember}", frame, cancellationToken);
                                files++;
                                bytes += frame.Length;
                                frameMembers.Add(frameMember);
                            }

                            parts.Add(new JsonObject
                            {
                                ["kind"] = "video",
                                ["role"] = video.Role.ToWire(),
                                ["source_sha256"] = video.Media.Sha256,
                                ["mime"] = video.Media.Mime,
                                ["start"] = video.StartSeconds,
                                ["duration_seconds"] = video.DurationSeconds,
                                ["fps"] = video.Fps,
                                ["width"] = video.Width,
                                ["height"] = video.Height,
                                ["frames"] = frameMembers,
                                ["frame_times"] = new JsonArray([.. video.FrameTimes.Select(time => (JsonNode)time)]),
                            });
                            break;
                        case MediaPart medium:
                            var extension = MimeTypes.Extension(medium.Media.Mime);
                            var sameKind = mediaParts.Count(other => MimeTypes.Extension(other.Media.Mime) == extension);
                            var member = sameKind == 1 ? extension : $"{index}.{extension}";
                            var data = await ReadMediaAsync(media, medium.Media, set.Uri, cancellationToken);
                            await AddAsync(tar, $"{key}.{member}", data, cancellationToken);
                            files++;
                            bytes += data.Length;
                            parts.Add(medium switch
                            {
                                ImagePart image => new JsonObject { ["kind"] = "image", ["role"] = image.Role.ToWire(), ["member"] = member, ["width"] = image.Width, ["height"] = image.Height },
                                AudioPart audio => new JsonObject { ["kind"] = "audio", ["role"] = audio.Role.ToWire(), ["member"] = member, ["duration_seconds"] = audio.DurationSeconds, ["sample_rate"] = audio.SampleRate },
                                _ => throw Part.Unhandled(medium),
                            });
                            break;
                        default:
                            throw Part.Unhandled(part);
                    }

                    index++;
                }

                if (texts.Count == 1)
                {
                    await AddAsync(tar, $"{key}.txt", System.Text.Encoding.UTF8.GetBytes(texts[0].Text), cancellationToken);
                }

                var json = new JsonObject
                {
                    ["format"] = Format,
                    ["id"] = sample.Id,
                    ["source"] = sample.Source,
                    ["split"] = sample.Split,
                    ["meta"] = sample.MetaObject(),
                    ["parts"] = parts,
                };
                await AddAsync(tar, $"{key}.json", System.Text.Encoding.UTF8.GetBytes(json.ToJsonString(DataForgeJson.Compact)), cancellationToken);
                samples++;
                inShard++;
            }

            if (tar is not null)
            {
                await tar.DisposeAsync();
                tar = null;
                await current!.CommitAsync(cancellationToken);
            }
        }
        finally
        {
            if (tar is not null)
            {
                await tar.DisposeAsync();
            }

            if (current is not null)
            {
                await current.DisposeAsync();
            }
        }

        return samples == 0
            ? throw new DataForgeException($"{set.Uri} holds no samples: nothing to export")
            : new WebDatasetExport(shards, samples, files, bytes);
    }

    private static async Task<byte[]> ReadMediaAsync(MediaStore media, MediaRef reference, string setUri, CancellationToken cancellationToken)
    {
        byte[] data;
        try
        {
            await using var stream = await media.OpenAsync(reference, cancellationToken);
            using var buffer = new MemoryStream();
            await stream.CopyToAsync(buffer, cancellationToken);
            data = buffer.ToArray();
        }
        catch (StorageNotFoundException)
        {
            throw new DataForgeException($"{StoragePaths.Join(setUri, MediaStore.PathOf(reference))} is missing: the sample set is incomplete (read it with copy_media, or export the set that holds its media)");
        }

        // The media store is content-addressed: bytes that do not hash to their name are damage, never exported.
        return Hashes.Sha256Hex(data) == reference.Sha256
            ? data
            : throw new DataForgeException($"{StoragePaths.Join(setUri, MediaStore.PathOf(reference))} does not hash to its name: the media store is damaged");
    }

    private static async Task AddAsync(TarWriter tar, string name, byte[] data, CancellationToken cancellationToken)
    {
        var entry = new UstarTarEntry(TarEntryType.RegularFile, name)
        {
            DataStream = new MemoryStream(data, writable: false),
            ModificationTime = DateTimeOffset.UnixEpoch,
            Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead,
            Uid = 0,
            Gid = 0,
        };
        await tar.WriteEntryAsync(entry, cancellationToken);
    }
}
