using System.Collections.Immutable;
using System.Formats.Tar;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using DataForge.Core.Model;
using DataForge.Core.Rejects;
using DataForge.Core.Stages.Contract;
using DataForge.Core.Stages.SourceMedia;
using DataForge.Core.Storage;

namespace DataForge.Core.Stages.ReadWebDataset;

/// <summary>
/// Source of samples from WebDataset shards (github.com/webdataset/webdataset; the layout img2dataset writes and
/// Megatron-Energon reads): a tar whose consecutive members of one key are one sample (<see cref="WebDatasetKeys"/>).
/// Images become content parts, the txt caption a target part, json and short fields (cls, …) meta; a shard written
/// by <c>dataforge export webdataset</c> (its json says <c>"format": "dataforge.webdataset-sample"</c>) comes back as
/// the very sample, parts in order. The tar is streamed, one sample's members in memory at a time.
/// </summary>
public sealed class ReadWebDatasetStage(ReadWebDatasetOptions options) : SourceStage
{
    public const string SampleFormat = "dataforge.webdataset-sample";

    public static readonly StageDefinition Definition =
        new StageDefinition<ReadWebDatasetOptions>("read-webdataset", "read WebDataset tar shards (img2dataset's output): images, txt captions, json meta per key; brace lists of shards", options => new ReadWebDatasetStage(options),
            [.. WebDatasetRejectReasons.All, CoreRejectReasons.InputUnsupportedFormat, CoreRejectReasons.InputTooLarge, CoreRejectReasons.InputCorrupt, CoreRejectReasons.InputDecompressionBomb, .. CoreRejectReasons.ImageProbe]);

    private sealed record Member(string Name, string Extension, byte[] Bytes);

    protected override async IAsyncEnumerable<StageOutcome> ReadFileAsync(InputFile file, StageRun run)
    {
        var cancellationToken = run.CancellationToken;
        var kind = FileFormats.Of(file.Path);
        if (kind.Format != FileFormat.Tar)
        {
            yield return StageOutcome.Reject(file.Uri, CoreRejectReasons.InputUnsupportedFormat, "read-webdataset reads .tar shards (optionally .tar.gz / .tgz / .tar.zst)");
            yield break;
        }

        var rules = new MediaFileRules(false, options.MaxPixels, options.MaxFileBytes, WebDatasetRejectReasons.WebDatasetInvalidMember, WebDatasetRejectReasons.WebDatasetInvalidMember);
        var media = new MediaFileReader(file.Storage, rules, run.Context);
        await using var raw = await file.Storage.OpenReadAsync(file.Path, cancellationToken);
        await using var stream = Compression.DecompressingStream.Open(raw, kind.Compression);
        using var tar = new TarReader(stream, leaveOpen: true);
        string? key = null;
        var members = new List<Member>();
        var samples = 0;
        while (true)
        {
            TarEntry? entry;
            Member? member = null;
            StageOutcome? refused = null;
            string? broken = null;
            try
            {
                entry = await tar.GetNextEntryAsync(copyData: false, cancellationToken);
                if (entry is not null && entry.EntryType is TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile)
                {
                    var where = $"{file.Uri}#member={entry.Name}";
                    if (WebDatasetKeys.Split(entry.Name) is not { } field)
                    {
                        refused = StageOutcome.Reject(where, WebDatasetRejectReasons.WebDatasetUnsupportedMember, $"'{entry.Name}' has no extension, so it is a field of no sample");
                    }
                    else if (entry.Length > options.MaxFileBytes)
                    {
                        refused = StageOutcome.Reject(where, CoreRejectReasons.InputTooLarge, string.Create(CultureInfo.InvariantCulture, $"{entry.Length:N0} bytes, over max_file_bytes {options.MaxFileBytes:N0}"));
                    }
                    else
                    {
                        var bytes = new byte[entry.Length];
                        if (entry.DataStream is { } data)
                        {
                            await data.ReadExactlyAsync(bytes, cancellationToken);
                        }

                        member = new Member(entry.Name, field.Extension, bytes);
                    }
                }
                else if (entry is not null && entry.EntryType is not (TarEntryType.Directory or TarEntryType.GlobalExtendedAttributes or TarEntryType.ExtendedAttributes))
                {
                    refused = StageOutcome.Reject($"{file.Uri}#member={entry.Name}", WebDatasetRejectReasons.WebDatasetUnsupportedMember, $"a {entry.EntryType} member is not read (only regular files)");
                }
            }
            catch (Compression.DecompressionBombException e)
            {
                entry = null;
                broken = e.Message;
                refused = StageOutcome.Reject(file.Uri, CoreRejectReasons.InputDecompressionBomb, e.Message);
            }
            catch (Exception e) when (e is EndOfStreamException or InvalidDataException or FormatException or IOException or ArgumentException)
            {
                entry = null;
                broken = e.Message;
                var pending = key is null ? string.Empty : $"; sample '{key}' in progress is dropped";
                refused = StageOutcome.Reject(file.Uri, WebDatasetRejectReasons.WebDatasetTruncated, string.Create(CultureInfo.InvariantCulture, $"after {samples} whole samples the tar cannot be read on ({e.Message}){pending}"));
            }

            if (broken is not null)
            {
                yield return refused!;
                yield break;
            }

            var ended = entry is null;
            var nextKey = member is null ? null : WebDatasetKeys.Split(member.Name)!.Value.Key;
            if (key is not null && (ended || (nextKey is not null && nextKey != key)))
            {
                samples++;
                yield return await SampleAsync(file, key, members, media, cancellationToken);
                members.Clear();
                key = null;
            }

            if (refused is not null)
            {
                yield return refused;
            }

            if (ended)
            {
                if (samples == 0 && refused is null)
                {
                    // A zero-byte or empty tar is never zero samples in silence.
                    yield return StageOutcome.Reject(file.Uri, WebDatasetRejectReasons.WebDatasetEmptySample, "the shard holds no samples");
                }

                yield break;
            }

            if (member is not null)
            {
                key = nextKey;
                members.Add(member);
            }
        }
    }

    private static async Task<StageOutcome> SampleAsync(InputFile file, string key, List<Member> members, MediaFileReader media, CancellationToken cancellationToken)
    {
        var where = $"{file.Uri}#key={key}";
        var duplicate = members.GroupBy(member => member.Extension).FirstOrDefault(group => group.Count() > 1);
        if (duplicate is not null)
        {
            return StageOutcome.Reject(where, WebDatasetRejectReasons.WebDatasetDuplicateMember, $"two members of extension '{duplicate.Key}'");
        }

        JsonObject? json = null;
        if (members.Find(member => member.Extension == "json") is { } jsonMember)
        {
            try
            {
                json = JsonNode.Parse(jsonMember.Bytes) as JsonObject;
            }
            catch (JsonException)
            {
            }

            if (json is null)
            {
                return StageOutcome.Reject(where, WebDatasetRejectReasons.WebDatasetInvalidMember, $"{jsonMember.Name} is not a JSON object");
            }
        }

        return json is not null && String(json["format"]) == SampleFormat
            ? await OwnSampleAsync(file, key, json, members, where, media, cancellationToken)
            : await ForeignSampleAsync(file, key, json, members, where, media, cancellationToken);
    }

    /// <summary>A sample as img2dataset-style shards hold it: images (content), then the caption (target); the rest is meta.</summary>
    private static async Task<StageOutcome> ForeignSampleAsync(InputFile file, string key, JsonObject? json, List<Member> members, string where, MediaFileReader media, CancellationToken cancellationToken)
    {
        var parts = ImmutableArray.CreateBuilder<Part>();
        var meta = json?.DeepClone().AsObject() ?? [];
        string? text = null;
        foreach (var member in members)
        {
            var extension = member.Extension;
            if (WebDatasetKeys.IsImage(extension))
            {
                var (part, rejection) = await media.ImageAsync(member.Bytes, member.Name, Role.Content, where, cancellationToken);
                if (rejection is not null)
                {
                    return new StageOutcome { Rejections = [rejection] };
                }

                parts.Add(part!);
            }
            else if (WebDatasetKeys.IsWav(extension))
            {
                var (part, rejection) = await media.WavAsync(member.Bytes, member.Name, Role.Content, WebDatasetRejectReasons.WebDatasetUnsupportedMember, where, cancellationToken);
                if (rejection is not null)
                {
                    return new StageOutcome { Rejections = [rejection] };
                }

                parts.Add(part!);
            }
            else if (WebDatasetKeys.IsText(extension) || WebDatasetKeys.IsField(extension))
            {
                if (Utf8(member.Bytes) is not { } value)
                {
                    return StageOutcome.Reject(where, WebDatasetRejectReasons.WebDatasetInvalidMember, $"{member.Name} is not UTF-8 text");
                }

                if (WebDatasetKeys.IsText(extension))
                {
                    text = value;
                }
                else
                {
                    meta[extension] = value.Trim();
                }
            }
            else if (extension != "json")
            {
                return StageOutcome.Reject(where, WebDatasetRejectReasons.WebDatasetUnsupportedMember, $"{member.Name}: members of extension '{extension}' are not read (images, wav, txt, json, cls, …)");
            }
        }

        // img2dataset's json repeats the caption; without a txt member it is the text.
        text ??= String(meta["caption"]) ?? String(meta["text"]);
        if (!string.IsNullOrWhiteSpace(text))
        {
            parts.Add(new TextPart(text, Role.Target));
        }

        if (parts.Count == 0)
        {
            return StageOutcome.Reject(where, WebDatasetRejectReasons.WebDatasetEmptySample, $"members {string.Join(", ", members.Select(member => member.Extension))} hold no text and no media");
        }

        meta["shard"] = StoragePaths.FileName(file.Path);
        meta["key"] = key;
        return StageOutcome.Of(new Sample(key, where, parts.ToImmutable(), meta.ToJsonString(DataForgeJson.Compact), String(meta["split"])));
    }

    /// <summary>A sample written by <c>dataforge export webdataset</c>: its json lists the parts in order, media by member.</summary>
    private static async Task<StageOutcome> OwnSampleAsync(InputFile file, string key, JsonObject json, List<Member> members, string where, MediaFileReader media, CancellationToken cancellationToken)
    {
        var parts = ImmutableArray.CreateBuilder<Part>();
        if (json["parts"] is not JsonArray list || json["id"] is not JsonValue id)
        {
            return StageOutcome.Reject(where, WebDatasetRejectReasons.WebDatasetInvalidMember, "a dataforge sample json without id or parts");
        }

        foreach (var node in list)
        {
            var (kind, roleName) = (String(node?["kind"]), String(node?["role"]));
            if (roleName is not ("context" or "content" or "instruction" or "target"))
            {
                return StageOutcome.Reject(where, WebDatasetRejectReasons.WebDatasetInvalidMember, $"a part whose role is '{roleName ?? "(none)"}' (context, content, instruction or target)");
            }

            var role = RoleNames.Parse(roleName);
            switch (kind)
            {
                case "text" when String(node!["text"]) is { } text:
                    parts.Add(new TextPart(text, role));
                    break;
                case "image" or "audio" when String(node!["member"]) is { } name:
                    if (members.Find(member => member.Extension == name) is not { } member)
                    {
                        return StageOutcome.Reject(where, WebDatasetRejectReasons.WebDatasetInvalidMember, $"part names member '{key}.{name}', which the shard does not hold");
                    }

                    var (part, rejection) = await MediaAsync(kind == "image", member, role, where, media, cancellationToken);
                    if (rejection is not null)
                    {
                        return new StageOutcome { Rejections = [rejection] };
                    }

                    parts.Add(part!);
                    break;
                case "video":
                    return StageOutcome.Reject(where, WebDatasetRejectReasons.WebDatasetInvalidMember, "a video part: export writes a clip's sampled frames, not its source video, so the clip cannot be rebuilt from the shard (read the sample set itself with read-samples)");
                default:
                    return StageOutcome.Reject(where, WebDatasetRejectReasons.WebDatasetInvalidMember, $"a part of kind '{kind ?? "(none)"}' without its text or member, not as export writes it");
            }
        }

        var meta = json["meta"] as JsonObject ?? [];
        return StageOutcome.Of(new Sample(id.ToString(), String(json["source"]) ?? where, parts.ToImmutable(), meta.ToJsonString(DataForgeJson.Compact), String(json["split"])));
    }

    private static async Task<(Part? Part, Rejection? Rejection)> MediaAsync(bool image, Member member, Role role, string where, MediaFileReader media, CancellationToken cancellationToken)
    {
        if (image)
        {
            var (picture, rejected) = await media.ImageAsync(member.Bytes, member.Name, role, where, cancellationToken);
            return (picture, rejected);
        }

        var (audio, refused) = await media.WavAsync(member.Bytes, member.Name, role, WebDatasetRejectReasons.WebDatasetUnsupportedMember, where, cancellationToken);
        return (audio, refused);
    }

    /// <summary>A JSON string's value; anything else (absent, a number, an object) is none.</summary>
    private static string? String(JsonNode? node) =>
        node is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : null;

    private static string? Utf8(byte[] bytes)
    {
        try
        {
            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
    }
}
