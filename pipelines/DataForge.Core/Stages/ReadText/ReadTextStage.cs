using System.Collections.Immutable;
using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using DataForge.Core.Compression;
using DataForge.Core.Model;
using DataForge.Core.Pipeline;
using DataForge.Core.Rejects;
using DataForge.Core.Stages.Contract;
using DataForge.Core.Storage;
using Parquet;
using Parquet.Serialization;

namespace DataForge.Core.Stages.ReadText;

/// <summary>
/// Source of text samples: one sample per JSONL line or Parquet row (fields other than text and id go to meta),
/// or per .txt/.md file. Bad lines become rejects and the file goes on; a corrupt file is rejected from there on.
/// </summary>
public sealed class ReadTextStage(ReadTextOptions options) : IStage
{
    public static readonly StageDefinition Definition =
        new StageDefinition<ReadTextOptions>("read-text", "read text records from JSONL(.gz), Parquet or .txt files", options => new ReadTextStage(options),
            [CoreRejectReasons.InputUnsupportedFormat, CoreRejectReasons.InputDecompressionBomb, CoreRejectReasons.InputCorrupt, CoreRejectReasons.RecordTooLarge, CoreRejectReasons.TextInvalidUtf8, CoreRejectReasons.JsonlInvalidJson, CoreRejectReasons.JsonlNotAnObject, CoreRejectReasons.TextMissingField]);

    private readonly Role _role = RoleNames.Parse(options.Role);

    public async IAsyncEnumerable<Sample> RunAsync(IAsyncEnumerable<Sample> input, StageContext context)
    {
        await foreach (var upstream in input.WithCancellation(context.CancellationToken))
        {
            yield return upstream;
        }

        foreach (var file in context.Inputs)
        {
            var records = Format(file.Path) switch
            {
                TextFormat.Jsonl => ReadJsonlAsync(file, gzip: false, context),
                TextFormat.JsonlGzip => ReadJsonlAsync(file, gzip: true, context),
                TextFormat.Parquet => ReadParquetAsync(file, context),
                TextFormat.Plain => ReadPlainAsync(file, context),
                _ => Unsupported(file, context),
            };
            await foreach (var sample in records.WithCancellation(context.CancellationToken))
            {
                context.Counters.AddSamplesRead();
                yield return sample;
            }

            context.Counters.AddInputBytes(file.Length);
        }
    }

    private enum TextFormat
    {
        Unsupported,
        Jsonl,
        JsonlGzip,
        Parquet,
        Plain,
    }

    private static TextFormat Format(string path)
    {
        var name = StoragePaths.FileName(path).ToLowerInvariant();
        return name switch
        {
            _ when name.EndsWith(".jsonl", StringComparison.Ordinal) || name.EndsWith(".ndjson", StringComparison.Ordinal) => TextFormat.Jsonl,
            _ when name.EndsWith(".jsonl.gz", StringComparison.Ordinal) || name.EndsWith(".ndjson.gz", StringComparison.Ordinal)
                || name.EndsWith(".json.gz", StringComparison.Ordinal) => TextFormat.JsonlGzip,
            _ when name.EndsWith(".parquet", StringComparison.Ordinal) => TextFormat.Parquet,
            _ when name.EndsWith(".txt", StringComparison.Ordinal) || name.EndsWith(".md", StringComparison.Ordinal) => TextFormat.Plain,
            _ => TextFormat.Unsupported,
        };
    }

    private static async IAsyncEnumerable<Sample> Unsupported(InputFile file, StageContext context)
    {
        await context.Rejects.RejectAsync(file.Uri, CoreRejectReasons.InputUnsupportedFormat, "read-text reads .jsonl, .jsonl.gz, .json.gz, .parquet, .txt and .md files", context.CancellationToken);
        yield break;
    }

    private async IAsyncEnumerable<Sample> ReadJsonlAsync(InputFile file, bool gzip, StageContext context)
    {
        await using var raw = await file.Storage.OpenReadAsync(file.Path, context.CancellationToken);
        await using var decompressed = gzip ? new VerifiedGzipStream(raw) : raw;
        var reader = new BoundedLineReader(decompressed, options.MaxRecordBytes);
        var lineNumber = 0;
        while (true)
        {
            TextLine? next;
            try
            {
                next = await reader.ReadLineAsync(context.CancellationToken);
            }
            catch (DecompressionBombException e)
            {
                await context.Rejects.RejectAsync(file.Uri, CoreRejectReasons.InputDecompressionBomb, $"after line {lineNumber}: {e.Message}", context.CancellationToken);
                yield break;
            }
            catch (Exception e) when (e is InvalidDataException or IOException)
            {
                await context.Rejects.RejectAsync(file.Uri, CoreRejectReasons.InputCorrupt, $"unreadable after line {lineNumber}: {e.Message}", context.CancellationToken);
                yield break;
            }

            if (next is not { } lineRead)
            {
                yield break;
            }

            lineNumber++;
            if (lineRead.TooLong || lineRead.InvalidUtf8)
            {
                var where = string.Create(CultureInfo.InvariantCulture, $"{file.Uri}#{lineNumber}");
                await (lineRead.TooLong
                    ? context.Rejects.RejectAsync(where, CoreRejectReasons.RecordTooLarge, $"the line is longer than max_record_bytes ({options.MaxRecordBytes})", context.CancellationToken)
                    : context.Rejects.RejectAsync(where, CoreRejectReasons.TextInvalidUtf8, "the line is not valid UTF-8", context.CancellationToken));
                continue;
            }

            var line = lineRead.Text!;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            var source = string.Create(CultureInfo.InvariantCulture, $"{file.Uri}#{lineNumber}");
            JsonObject? record;
            try
            {
                record = JsonNode.Parse(line) as JsonObject;
            }
            catch (JsonException e)
            {
                var message = e.Message.Split(" LineNumber:", 2)[0];
                await context.Rejects.RejectAsync(source, CoreRejectReasons.JsonlInvalidJson, $"invalid JSON near byte {e.BytePositionInLine}: {message}", context.CancellationToken);
                continue;
            }

            if (record is null)
            {
                await context.Rejects.RejectAsync(source, CoreRejectReasons.JsonlNotAnObject, "each line must be one JSON object", context.CancellationToken);
                continue;
            }

            var sample = await FromRecordAsync(record, source, context);
            if (sample is not null)
            {
                yield return sample;
            }
        }
    }

    private async IAsyncEnumerable<Sample> ReadParquetAsync(InputFile file, StageContext context)
    {
        await using var stream = await file.Storage.OpenReadAsync(file.Path, context.CancellationToken);
        int rowGroups;
        try
        {
            await using var reader = await ParquetReader.CreateAsync(stream, leaveStreamOpen: true, cancellationToken: context.CancellationToken);
            rowGroups = reader.RowGroupCount;
            if (reader.Schema.FindDataField(options.TextField) is null)
            {
                rowGroups = -1;
            }
        }
        catch (Exception e) when (e is IOException or InvalidDataException or NotSupportedException or ArgumentException)
        {
            await context.Rejects.RejectAsync(file.Uri, CoreRejectReasons.InputCorrupt, $"not a readable Parquet file: {e.Message}", context.CancellationToken);
            yield break;
        }

        if (rowGroups < 0)
        {
            await context.Rejects.RejectAsync(file.Uri, CoreRejectReasons.TextMissingField, $"the Parquet file has no '{options.TextField}' column", context.CancellationToken);
            yield break;
        }

        long row = 0;
        for (var group = 0; group < rowGroups; group++)
        {
            stream.Position = 0;
            var rows = await ParquetSerializer.DeserializeUntypedAsync(stream, rowGroupIndex: group, cancellationToken: context.CancellationToken);
            foreach (var values in rows.Data)
            {
                row++;
                var record = new JsonObject();
                foreach (var (key, value) in values)
                {
                    record[key] = value is null ? null : JsonSerializer.SerializeToNode(value);
                }

                var sample = await FromRecordAsync(record, string.Create(CultureInfo.InvariantCulture, $"{file.Uri}#{row}"), context);
                if (sample is not null)
                {
                    yield return sample;
                }
            }
        }
    }

    private async IAsyncEnumerable<Sample> ReadPlainAsync(InputFile file, StageContext context)
    {
        await using var stream = await file.Storage.OpenReadAsync(file.Path, context.CancellationToken);
        using var reader = new StreamReader(stream, new UTF8Encoding(false, throwOnInvalidBytes: false));
        var text = await reader.ReadToEndAsync(context.CancellationToken);
        yield return new Sample(SampleIds.FromSource(file.Uri), file.Uri, [new TextPart(text, _role)]);
    }

    private async ValueTask<Sample?> FromRecordAsync(JsonObject record, string source, StageContext context)
    {
        if (record[options.TextField] is not JsonValue textValue || !textValue.TryGetValue<string>(out var text))
        {
            await context.Rejects.RejectAsync(source, CoreRejectReasons.TextMissingField, $"no string field '{options.TextField}'", context.CancellationToken);
            return null;
        }

        var id = record[options.IdField] switch
        {
            JsonValue value when value.TryGetValue<string>(out var textId) && textId.Length > 0 => textId,
            JsonValue value when value.TryGetValue<long>(out var numberId) => numberId.ToString(CultureInfo.InvariantCulture),
            _ => SampleIds.FromSource(source),
        };
        var meta = new JsonObject();
        foreach (var (key, value) in record)
        {
            if (key != options.TextField && key != options.IdField)
            {
                meta[key] = value?.DeepClone();
            }
        }

        return new Sample(id, source, ImmutableArray.Create<Part>(new TextPart(text, _role)), meta.ToJsonString(DataForgeJson.Compact));
    }
}
