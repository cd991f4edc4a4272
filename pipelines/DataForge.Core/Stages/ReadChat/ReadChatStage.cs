using System.Collections.Immutable;
using System.Globalization;
using DataForge.Core.Model;
using DataForge.Core.Rejects;
using DataForge.Core.Stages.Contract;
using DataForge.Core.Stages.ReadTable;
using DataForge.Core.Stages.SourceMedia;
using DataForge.Core.Storage;

namespace DataForge.Core.Stages.ReadChat;

/// <summary>
/// Source of instruction samples from conversations (issue 19): each record is one sample whose parts follow the
/// turns, system text as <see cref="Role.Context"/>, user text and media as <see cref="Role.Instruction"/>, assistant
/// text as <see cref="Role.Target"/>, media at their markers. Turns alternate (the parser refuses any other chat), so
/// a turn is exactly a run of parts of one role, which is how <c>pack --chat-template</c> finds them again.
/// </summary>
public sealed class ReadChatStage(ReadChatOptions options) : SourceStage
{
    public static readonly StageDefinition Definition =
        new StageDefinition<ReadChatOptions>("read-chat", "read conversations (LLaVA, ShareGPT, OpenAI messages) into instruction samples: user turns instruction, assistant turns target, media at their markers", options => new ReadChatStage(options),
            [.. ChatRejectReasons.All, TableRejectReasons.TableEmpty, TableRejectReasons.TableInvalidRow, CoreRejectReasons.InputUnsupportedFormat, CoreRejectReasons.InputTooLarge, CoreRejectReasons.InputCorrupt, CoreRejectReasons.InputDecompressionBomb, CoreRejectReasons.RecordTooLarge, .. CoreRejectReasons.ImageProbe]);

    protected override async IAsyncEnumerable<StageOutcome> ReadFileAsync(InputFile file, StageRun run)
    {
        var cancellationToken = run.CancellationToken;
        if (FileFormats.Of(file.Path) is not { Format: FileFormat.Json or FileFormat.Jsonl })
        {
            yield return StageOutcome.Reject(file.Uri, CoreRejectReasons.InputUnsupportedFormat, "read-chat reads .json and .jsonl conversation files (each optionally .gz or .zst)");
            yield break;
        }

        var folder = options.Images is { } images ? new StorageFactory(run.Context.Environment, run.Context.BaseDirectory).Open(images) : file.Folder;
        var rules = new MediaFileRules(options.AllowPathsOutside, options.MaxPixels, options.MaxFileBytes, ChatRejectReasons.ChatMediaMissing, ChatRejectReasons.ChatMediaPathOutside);
        var media = new MediaFileReader(folder, rules, run.Context);
        await foreach (var record in TableRows.ReadCheckedAsync(file, options.MaxFileBytes, TableRejectReasons.TableEmpty, cancellationToken))
        {
            var where = string.Create(CultureInfo.InvariantCulture, $"{file.Uri}#record={record.Row}");
            if (record.Values is not { } values)
            {
                yield return StageOutcome.Reject(record.Row == 0 ? file.Uri : where, record.Reason ?? TableRejectReasons.TableInvalidRow, record.Problem!);
                if (record.Row == 0)
                {
                    yield break;
                }

                continue;
            }

            var parsed = ChatParser.Parse(values, options.IdField, options.SplitField);
            if (parsed.Chat is not { } chat)
            {
                yield return StageOutcome.Reject(where, parsed.Reason!, parsed.Message!);
                continue;
            }

            yield return await SampleAsync(chat, file, where, media, cancellationToken);
        }
    }

    private static async Task<StageOutcome> SampleAsync(ParsedChat chat, InputFile file, string where, MediaFileReader media, CancellationToken cancellationToken)
    {
        var parts = ImmutableArray.CreateBuilder<Part>();
        foreach (var turn in chat.Turns)
        {
            var role = turn.Speaker switch
            {
                ChatSpeaker.System => Role.Context,
                ChatSpeaker.User => Role.Instruction,
                _ => Role.Target,
            };
            foreach (var piece in turn.Pieces)
            {
                switch (piece)
                {
                    case ChatText text:
                        parts.Add(new TextPart(text.Text, role));
                        break;
                    case ChatMedia medium:
                        var (part, rejection) = await MediaAsync(medium, role, where, media, cancellationToken);
                        if (rejection is not null)
                        {
                            return new StageOutcome { Rejections = [rejection] };
                        }

                        parts.Add(part!);
                        break;
                    default:
                        throw new InvalidOperationException($"a chat piece of type {piece.GetType().Name} is not handled");
                }
            }
        }

        chat.Meta["chat"] = StoragePaths.FileName(file.Path);
        var id = chat.Id ?? SampleIds.FromSource(where);
        return StageOutcome.Of(new Sample(id, where, parts.ToImmutable(), chat.Meta.ToJsonString(DataForgeJson.Compact), chat.Split));
    }

    private static async Task<(Part? Part, Rejection? Rejection)> MediaAsync(ChatMedia medium, Role role, string where, MediaFileReader media, CancellationToken cancellationToken)
    {
        if (medium.Inline is { } bytes)
        {
            if (bytes.Length == 0)
            {
                return (null, new Rejection(where, ChatRejectReasons.ChatMediaUrl, $"{medium.Reference} does not decode (or is over {Core.Media.DataUri.MaxPayloadChars:N0} characters)"));
            }

            return medium.IsAudio
                ? await media.WavAsync(bytes, medium.Reference, role, ChatRejectReasons.ChatAudioUnsupported, where, cancellationToken)
                : await media.ImageAsync(bytes, medium.Reference, role, where, cancellationToken);
        }

        if (medium.Reference.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || medium.Reference.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
        {
            return (null, new Rejection(where, ChatRejectReasons.ChatMediaUrl, $"{medium.Reference}: media URLs are not fetched by read-chat; fetch them first (read-table with fetch: true) or name local files"));
        }

        var path = medium.Reference.StartsWith("file://", StringComparison.OrdinalIgnoreCase) ? new Uri(medium.Reference).LocalPath : medium.Reference;
        return medium.IsAudio
            ? await media.ReadWavAsync(path, role, ChatRejectReasons.ChatAudioUnsupported, where, cancellationToken)
            : await media.ReadImageAsync(path, role, where, cancellationToken);
    }
}
