using System.Collections.Immutable;
using System.Globalization;
using System.IO.Compression;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using DataForge.Core.Compression;
using DataForge.Core.Model;
using DataForge.Core.Pipeline;
using DataForge.Core.Rejects;
using DataForge.Core.Stages.Contract;
using DataForge.Core.Storage;
using DataForge.Core.Text;
using Parquet;
using Parquet.Serialization;

namespace DataForge.Core.Stages.ReadText;

/// <summary>
/// Source of text samples: one sample per JSONL line or Parquet row (fields other than text and id go to meta),
/// or per .txt/.md file. Bad lines become rejects and the file goes on; a corrupt file is rejected from there on.
/// </summary>
public sealed class ReadTextStage(ReadTextOptions options) : SourceStage
{
    public static readonly StageDefinition Definition =
        new StageDefinition<ReadTextOptions>("read-text", "read text records from JSONL or JSON (.gz, .zst), Parquet or .txt files", options => new ReadTextStage(options),
            [CoreRejectReasons.InputUnsupportedFormat, CoreRejectReasons.InputDecompressionBomb, CoreRejectReasons.InputCorrupt, CoreRejectReasons.RecordTooLarge, CoreRejectReasons.TextInvalidUtf8, CoreRejectReasons.JsonlInvalidJson, CoreRejectReasons.JsonlNotAnObject, CoreRejectReasons.TextMissingField]);

    private readonly Role _role = RoleNames.Parse(options.Role);

    protected override IAsyncEnumerable<StageOutcome> ReadFileAsync(InputFile file, StageRun run) => Format(file.Path) switch
    {
        TextFormat.Jsonl => ReadJsonlAsync(file, run),
        TextFormat.Parquet => ReadParquetAsync(file, run.CancellationToken),
        TextFormat.Plain => ReadPlainAsync(file, run.CancellationToken),
        _ => Single(StageOutcome.Reject(file.Uri, CoreRejectReasons.InputUnsupportedFormat, "read-text reads .jsonl and .json (each optionally .gz or .zst), .parquet, .txt and .md files")),
    };

    private enum TextFormat
    {
        Unsupported,
        Jsonl,
        Parquet,
        Plain,
    }

    /// <summary>
    /// JSON Lines and JSON, plain, gzipped or zstd (a .json is JSON Lines, as Hugging Face's to_json writes it, unless it
    /// opens with '[': then an array of records), Parquet, .txt and .md.
    /// </summary>
    private static TextFormat Format(string path) => FileFormats.Of(path) switch
    {
        { Format: FileFormat.Jsonl or FileFormat.Json } => TextFormat.Jsonl,
        { Format: FileFormat.Parquet, Compression: FileCompression.None } => TextFormat.Parquet,
        { Format: FileFormat.Text or FileFormat.Markdown, Compression: FileCompression.None } => TextFormat.Plain,
        _ => TextFormat.Unsupported,
    };

    /// <summary>
    /// Lines are read and split in order on one thread; turning each into a sample (JSON, surrogate repair, meta) runs on
    /// the stage's workers, outcomes in line order: on one thread this parse was pack's serial bottleneck on many cores
    /// (issue 21's profile).
    /// </summary>
    private IAsyncEnumerable<StageOutcome> ReadJsonlAsync(InputFile file, StageRun run) =>
        JsonlItemsAsync(file, run.Context.Counters, run.CancellationToken)
            .SelectOrderedBatchesAsync(
                lines =>
                {
                    using var sha256 = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
                    return lines.Select(item => item.Ready ?? ParseRecord(item.Line!, item.Source!, sha256)).ToArray();
                },
                run.Context.Workers,
                256,
                run.CancellationToken,
                item => 64 + (item.Line?.Length ?? 0),
                256 << 10)
            .Where(outcome => outcome is not null)
            .Select(outcome => outcome!);

    /// <summary>An outcome known without parsing (a reject of the file or the line), or a line's bytes to check and parse.</summary>
    private readonly record struct JsonlItem(StageOutcome? Ready, byte[]? Line, string? Source);

    private async IAsyncEnumerable<JsonlItem> JsonlItemsAsync(InputFile file, RunCounters counters, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var kind = FileFormats.Of(file.Path);
        if (kind.Format == FileFormat.Json && await OpensWithBracketAsync(file, kind.Compression, cancellationToken))
        {
            await foreach (var outcome in ReadJsonArrayAsync(file, cancellationToken))
            {
                yield return new JsonlItem(outcome, null, null);
            }

            yield break;
        }

        await using var raw = new ProgressReadStream(await file.Storage.OpenReadAsync(file.Path, cancellationToken), counters, file.Uri);
        await using var decompressed = DecompressingStream.Open(raw, kind.Compression);
        var reader = new BoundedLineReader(decompressed, options.MaxRecordBytes);
        var lineNumber = 0;
        while (true)
        {
            RawLine? next = null;
            StageOutcome? unreadable = null;
            try
            {
                next = await reader.ReadLineBytesAsync(cancellationToken);
            }
            catch (DecompressionBombException e)
            {
                unreadable = StageOutcome.Reject(file.Uri, CoreRejectReasons.InputDecompressionBomb, $"after line {lineNumber}: {e.Message}");
            }
            catch (Exception e) when (e is InvalidDataException or IOException)
            {
                unreadable = StageOutcome.Reject(file.Uri, CoreRejectReasons.InputCorrupt, $"unreadable after line {lineNumber}: {e.Message}");
            }

            if (unreadable is not null)
            {
                yield return new JsonlItem(unreadable, null, null);
                yield break;
            }

            if (next is not { } lineRead)
            {
                yield break;
            }

            lineNumber++;
            if (lineRead.TooLong)
            {
                var where = string.Create(CultureInfo.InvariantCulture, $"{file.Uri}#{lineNumber}");
                yield return new JsonlItem(StageOutcome.Reject(where, CoreRejectReasons.RecordTooLarge, $"the line is longer than max_record_bytes ({options.MaxRecordBytes})"), null, null);
                continue;
            }

            var line = lineRead.Bytes!;
            if (IsAsciiBlank(line))
            {
                continue;
            }

            yield return new JsonlItem(null, line, string.Create(CultureInfo.InvariantCulture, $"{file.Uri}#{lineNumber}"));
        }
    }

    /// <summary>Whether a .json file's first non-blank byte is '[' (an array of records, not JSON Lines).</summary>
    private static async Task<bool> OpensWithBracketAsync(InputFile file, FileCompression compression, CancellationToken cancellationToken)
    {
        try
        {
            await using var raw = await file.Storage.OpenReadAsync(file.Path, cancellationToken);
            await using var stream = DecompressingStream.Open(raw, compression);
            var buffer = new byte[4096];
            int read;
            while ((read = await stream.ReadAsync(buffer, cancellationToken)) > 0)
            {
                foreach (var b in buffer.AsSpan(0, read))
                {
                    if (b is not ((byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n' or 0xEF or 0xBB or 0xBF))
                    {
                        return b == (byte)'[';
                    }
                }
            }
        }
        catch (Exception e) when (e is IOException or InvalidDataException)
        {
            // Read as JSON Lines, which reports the damage where it is.
        }

        return false;
    }

    /// <summary>A .json array of records, read whole within the whole-file cap (as read-table reads one).</summary>
    private async IAsyncEnumerable<StageOutcome> ReadJsonArrayAsync(InputFile file, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var record in ReadTable.TableRows.ReadCheckedAsync(file, StorageReads.DefaultMaxFileBytes, CoreRejectReasons.InputCorrupt, cancellationToken))
        {
            var where = string.Create(CultureInfo.InvariantCulture, $"{file.Uri}#{record.Row}");
            if (record.Values is { } values)
            {
                yield return FromRecord(values, where);
            }
            else
            {
                yield return StageOutcome.Reject(record.Row == 0 ? file.Uri : where, record.Reason ?? CoreRejectReasons.JsonlNotAnObject, record.Problem!);
                if (record.Row == 0)
                {
                    yield break;
                }
            }
        }
    }

    private async IAsyncEnumerable<StageOutcome> ReadParquetAsync(InputFile file, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var stream = await file.Storage.OpenReadAsync(file.Path, cancellationToken);
        int rowGroups;
        string? unreadable = null;
        try
        {
            await using var reader = await ParquetReader.CreateAsync(stream, leaveStreamOpen: true, cancellationToken: cancellationToken);
            rowGroups = reader.RowGroupCount;
            if (reader.Schema.FindDataField(options.TextField) is null)
            {
                rowGroups = -1;
            }
        }
        catch (Exception e) when (e is IOException or InvalidDataException or NotSupportedException or ArgumentException)
        {
            (rowGroups, unreadable) = (0, e.Message);
        }

        if (unreadable is not null)
        {
            yield return StageOutcome.Reject(file.Uri, CoreRejectReasons.InputCorrupt, $"not a readable Parquet file: {unreadable}");
            yield break;
        }

        if (rowGroups < 0)
        {
            yield return StageOutcome.Reject(file.Uri, CoreRejectReasons.TextMissingField, $"the Parquet file has no '{options.TextField}' column");
            yield break;
        }

        long row = 0;
        for (var group = 0; group < rowGroups; group++)
        {
            stream.Position = 0;
            var rows = await ParquetSerializer.DeserializeUntypedAsync(stream, rowGroupIndex: group, cancellationToken: cancellationToken);
            foreach (var values in rows.Data)
            {
                row++;
                var record = new JsonObject();
                foreach (var (key, value) in values)
                {
                    record[key] = value is null ? null : JsonSerializer.SerializeToNode(value);
                }

                yield return FromRecord(record, string.Create(CultureInfo.InvariantCulture, $"{file.Uri}#{row}"));
            }
        }
    }

    private async IAsyncEnumerable<StageOutcome> ReadPlainAsync(InputFile file, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var stream = await file.Storage.OpenReadAsync(file.Path, cancellationToken);
        using var reader = new StreamReader(stream, new UTF8Encoding(false, throwOnInvalidBytes: false));
        var text = await reader.ReadToEndAsync(cancellationToken);
        yield return StageOutcome.Of(new Sample(SampleIds.FromSource(file.Uri), file.Uri, [new TextPart(text, _role)]));
    }

    private static bool IsAsciiBlank(ReadOnlySpan<byte> line) => line.IndexOfAnyExcept(" \t\r\n\f\v"u8) < 0;

    /// <summary>
    /// One JSON Lines line: a sample, why it is not one, or null for a line of (Unicode) white space only, which is
    /// skipped like an empty line. Lone surrogate escapes become U+FFFD, counted. Parsed from the line's UTF-8 bytes
    /// into a pooled JsonDocument: decoding to a string first and building JsonNode objects was most of read-text's cost.
    /// </summary>
    private StageOutcome? ParseRecord(byte[] line, string source, System.Security.Cryptography.IncrementalHash sha256)
    {
        if (!System.Text.Unicode.Utf8.IsValid(line))
        {
            return StageOutcome.Reject(source, CoreRejectReasons.TextInvalidUtf8, "the line is not valid UTF-8");
        }

        var replaced = 0;
        if (line.AsSpan().IndexOf("\\u"u8) >= 0)
        {
            var state = default(LoneSurrogateEscapes.ScanState);
            replaced = LoneSurrogateEscapes.Repair(line, ref state, final: true, out _);
        }

        var outcome = ParseRepaired(line, source, sha256);
        return replaced == 0 || outcome is null ? outcome : outcome with { Counters = [KeyValuePair.Create(LoneSurrogatesReplaced, (long)replaced)] };
    }

    private StageOutcome? ParseRepaired(byte[] line, string source, System.Security.Cryptography.IncrementalHash sha256)
    {
        JsonDocument document;
        try
        {
            // A key given twice has no one value (Python keeps the last, others the first): the record is a reject.
            document = JsonDocument.Parse(line, NoDuplicateKeys);
        }
        catch (JsonException e)
        {
            if (string.IsNullOrWhiteSpace(Encoding.UTF8.GetString(line)))
            {
                return null;
            }

            var message = e.Message.Split(" LineNumber:", 2)[0];
            return StageOutcome.Reject(source, CoreRejectReasons.JsonlInvalidJson, $"invalid JSON near byte {e.BytePositionInLine}: {message}");
        }

        using (document)
        {
            return document.RootElement.ValueKind == JsonValueKind.Object
                ? FromElement(document.RootElement, source, line, sha256)
                : StageOutcome.Reject(source, CoreRejectReasons.JsonlNotAnObject, "each line must be one JSON object");
        }
    }

    private static readonly JsonWriterOptions MetaWriter = new() { Encoder = DataForgeJson.Compact.Encoder, Indented = false };

    /// <summary>
    /// A record's sample: its text field, its id (a non-empty string or an integer; else from its source), and every
    /// other field as meta, written compactly with the relaxed encoder (the bytes JsonNode's ToJsonString gave, tested).
    /// </summary>
    /// <param name="sha256">a hasher reused across a batch of lines for source ids, or null for a one-off</param>
    private StageOutcome FromElement(JsonElement record, string source, byte[] json, System.Security.Cryptography.IncrementalHash? sha256)
    {
        if (!record.TryGetProperty(options.TextField, out var textValue) || textValue.ValueKind != JsonValueKind.String)
        {
            return StageOutcome.Reject(source, CoreRejectReasons.TextMissingField, $"no string field '{options.TextField}'");
        }

        // The text from its raw JSON, which the document has validated: decoded once instead of read again by a second
        // reader (the text is most of the line).
        var text = JsonStringText.Decode(System.Runtime.InteropServices.JsonMarshal.GetRawUtf8Value(textValue)[1..^1]);
        string? id = null;
        if (record.TryGetProperty(options.IdField, out var idValue))
        {
            id = idValue.ValueKind switch
            {
                JsonValueKind.String when idValue.GetString() is { Length: > 0 } textId => textId,
                JsonValueKind.Number when idValue.TryGetInt64(out var numberId) => numberId.ToString(CultureInfo.InvariantCulture),
                _ => null,
            };
        }

        var meta = new System.Buffers.ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(meta, MetaWriter))
        {
            writer.WriteStartObject();
            foreach (var property in record.EnumerateObject())
            {
                if (property.Name != options.TextField && property.Name != options.IdField)
                {
                    property.WriteTo(writer);
                }
            }

            writer.WriteEndObject();
        }

        return StageOutcome.Of(new Sample(id ?? (sha256 is null ? SampleIds.FromSource(source) : SampleIds.FromSource(source, sha256)), source, ImmutableArray.Create<Part>(new TextPart(text, _role)), Encoding.UTF8.GetString(meta.WrittenSpan)));
    }

    /// <summary>The stage_stats counter of lone surrogates replaced by U+FFFD (as tiktoken encodes them).</summary>
    public const string LoneSurrogatesReplaced = "lone_surrogates_replaced";

    private static readonly JsonDocumentOptions NoDuplicateKeys = new() { AllowDuplicateProperties = false };

    /// <summary>
    /// A record read as objects (a Parquet row, an element of a JSON array): serialised and read by
    /// <see cref="FromElement"/>, so every format takes text, id and meta by one rule (no duplicate keys can occur here).
    /// </summary>
    private StageOutcome FromRecord(JsonObject record, string source)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(record);
        using var document = JsonDocument.Parse(json);
        return FromElement(document.RootElement, source, json, null);
    }
}
