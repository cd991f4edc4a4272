using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using DataForge.Core.Storage;
using DataForge.Core.Tables;

namespace DataForge.Core.Stages.ReadTable;

/// <summary>One row of a table: its number (from 1), its columns as JSON values, or why it cannot be read.</summary>
public sealed record TableRecord(int Row, JsonObject? Values, string? Problem)
{
    /// <summary>The reason of a row that cannot be read, when it is not table.invalid_row (a line over the record cap).</summary>
    public Contract.RejectReason? Reason { get; init; }
}

/// <summary>
/// The rows of a table file, whatever its layout: CSV and TSV with a header (RFC 4180 quoting, via
/// <see cref="DelimitedTable"/>), JSON Lines (one object a line), or JSON (an array of objects, or an object holding one
/// such array, as COCO-style and Hugging Face JSON exports are). Values keep their JSON type; CSV values are strings.
/// </summary>
public static class TableRows
{
    /// <summary>The longest JSON Lines row read (read-text's max_record_bytes default).</summary>
    public const int MaxLineBytes = 32 << 20;

    private static readonly JsonDocumentOptions NoDuplicateKeys = new() { AllowDuplicateProperties = false };

    /// <summary>Whether <paramref name="path"/> is a table this reader reads.</summary>
    public static bool IsTable(string path) =>
        FileFormats.Of(path) is { Format: FileFormat.Csv or FileFormat.Tsv or FileFormat.Jsonl or FileFormat.Json } or { Format: FileFormat.Parquet, Compression: FileCompression.None };

    /// <summary>
    /// The rows, where a file that cannot be read on (too large to hold, a cut or damaged gzip, a bomb) ends with a
    /// record of row 0 naming why, after its whole rows; a file of no rows is one row-0 record of <paramref name="empty"/>.
    /// </summary>
    public static async IAsyncEnumerable<TableRecord> ReadCheckedAsync(InputFile file, long maxJsonBytes, Contract.RejectReason empty, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var rows = ReadAsync(file, maxJsonBytes, cancellationToken).GetAsyncEnumerator(cancellationToken);
        var seen = 0;
        while (true)
        {
            TableRecord? end = null;
            try
            {
                if (!await rows.MoveNextAsync())
                {
                    // Zero samples from a file is never a quiet success: a header alone, a zero-byte file, [].
                    end = seen == 0 ? new TableRecord(0, null, "the file has no rows") { Reason = empty } : null;
                    if (end is null)
                    {
                        yield break;
                    }
                }
            }
            catch (InputTooLargeException e)
            {
                end = new TableRecord(0, null, e.Message) { Reason = Rejects.CoreRejectReasons.InputTooLarge }; // a JSON table too large to hold whole
            }
            catch (Compression.DecompressionBombException e)
            {
                end = new TableRecord(0, null, e.Message) { Reason = Rejects.CoreRejectReasons.InputDecompressionBomb };
            }
            catch (Exception e) when (e is InvalidDataException or IOException)
            {
                end = new TableRecord(0, null, $"unreadable from here on: {e.Message}") { Reason = Rejects.CoreRejectReasons.InputCorrupt };
            }

            if (end is not null)
            {
                yield return end;
                yield break;
            }

            seen++;
            yield return rows.Current;
        }
    }

    public static async IAsyncEnumerable<TableRecord> ReadAsync(InputFile file, long maxJsonBytes, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var kind = FileFormats.Of(file.Path);
        var format = kind.Format;
        if (format == FileFormat.Parquet)
        {
            await foreach (var row in ParquetRowsAsync(file, cancellationToken))
            {
                yield return row;
            }

            yield break;
        }

        await using var raw = await file.Storage.OpenReadAsync(file.Path, cancellationToken);

        // Gzip and zstd are checked as read-text checks them (checksums, truncation, the 250:1 bomb guard); their errors end the file.
        await using var stream = Compression.DecompressingStream.Open(raw, kind.Compression);
        if (format == FileFormat.Json)
        {
            // A JSON table is one value: read whole, within the cap any whole-file read has.
            var bytes = await ReadCappedAsync(stream, file.Uri, maxJsonBytes, cancellationToken); var (rows, problem) = JsonRows(bytes);
            if (problem is not null)
            {
                yield return new TableRecord(0, null, problem);
                yield break;
            }

            var number = 0;
            foreach (var row in rows)
            {
                number++;
                yield return row is JsonObject values ? new TableRecord(number, values, null) : new TableRecord(number, null, $"row {number} is not a JSON object");
            }

            yield break;
        }

        if (format == FileFormat.Jsonl)
        {
            // Lines are bounded as read-text bounds them: one endless line is a reject, never a buffer of it.
            var lines = new ReadText.BoundedLineReader(stream, MaxLineBytes);
            var line = 0;
            while (await lines.ReadLineAsync(cancellationToken) is { } next)
            {
                line++;
                if (next.TooLong)
                {
                    yield return new TableRecord(line, null, $"line {line} is longer than {MaxLineBytes:N0} bytes") { Reason = Rejects.CoreRejectReasons.RecordTooLarge };
                }
                else if (next.Text is not { } text)
                {
                    yield return new TableRecord(line, null, $"line {line} is not valid UTF-8");
                }
                else if (!string.IsNullOrWhiteSpace(text))
                {
                    yield return JsonLine(text, line);
                }
            }

            yield break;
        }

        using var reader = new StreamReader(stream, new UTF8Encoding(false, throwOnInvalidBytes: false));
        await foreach (var (row, problem, line) in DelimitedTable.ReadAsync(reader, DelimitedTable.SeparatorFor(file.Path), cancellationToken))
        {
            if (row is null)
            {
                yield return new TableRecord(line, null, problem);
                continue;
            }

            var values = new JsonObject();
            foreach (var (column, value) in row.Values)
            {
                values[column] = value;
            }

            yield return new TableRecord(row.Line, values, null);
        }
    }

    /// <summary>Whether a Parquet file has a column of one of the usual image names (then it is a caption table, not text).</summary>
    public static async Task<bool> ParquetHasImageColumnAsync(IStorage folder, string name, CancellationToken cancellationToken)
    {
        try
        {
            await using var stream = await folder.OpenReadAsync(name, cancellationToken);
            await using var reader = await Parquet.ParquetReader.CreateAsync(stream, cancellationToken: cancellationToken);
            return reader.Schema.Fields.Any(field => ReadTableOptions.ImageNames.Contains(field.Name));
        }
        catch (Exception e) when (e is IOException or InvalidDataException or NotSupportedException or ArgumentException or DataForgeException)
        {
            return false; // read-text says what is wrong with it
        }
    }

    /// <summary>
    /// A Parquet table, one row group in memory at a time: values as JSON (binary as base64, structs as objects, so a
    /// Hugging Face Image column, a struct of <c>bytes</c> and <c>path</c>, is <c>{"bytes": "…base64…", "path": …}</c>).
    /// </summary>
    private static async IAsyncEnumerable<TableRecord> ParquetRowsAsync(InputFile file, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var stream = await file.Storage.OpenReadAsync(file.Path, cancellationToken);
        int groups;
        string? problem = null;
        try
        {
            await using var reader = await Parquet.ParquetReader.CreateAsync(stream, leaveStreamOpen: true, cancellationToken: cancellationToken);
            groups = reader.RowGroupCount;
        }
        catch (Exception e) when (e is IOException or InvalidDataException or NotSupportedException or ArgumentException)
        {
            (groups, problem) = (0, e.Message);
        }

        if (problem is not null)
        {
            throw new InvalidDataException($"not a readable Parquet file: {problem}");
        }

        var number = 0;
        for (var group = 0; group < groups; group++)
        {
            stream.Position = 0;
            var rows = await Parquet.Serialization.ParquetSerializer.DeserializeUntypedAsync(stream, rowGroupIndex: group, cancellationToken: cancellationToken);
            foreach (var values in rows.Data)
            {
                number++;
                var record = new JsonObject();
                foreach (var (key, value) in values)
                {
                    record[key] = value is null ? null : JsonSerializer.SerializeToNode(value);
                }

                yield return new TableRecord(number, record, null);
            }
        }
    }

    private static async Task<byte[]> ReadCappedAsync(Stream stream, string uri, long maxBytes, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[1 << 16];
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > maxBytes)
            {
                throw new InputTooLargeException(uri, buffer.Length + read, maxBytes);
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    private static TableRecord JsonLine(string text, int line)
    {
        try
        {
            // A lone surrogate escape (json.dumps writes them) is U+FFFD in this row, as read-text and tiktoken read it.
            return JsonNode.Parse(Text.LoneSurrogateEscapes.Repair(text).Text, documentOptions: NoDuplicateKeys) is JsonObject values
                ? new TableRecord(line, values, null)
                : new TableRecord(line, null, $"line {line} is not a JSON object");
        }
        catch (JsonException e)
        {
            return new TableRecord(line, null, $"line {line} is not valid JSON: {e.Message.Split(" LineNumber:", 2)[0]}");
        }
    }

    /// <summary>
    /// COCO's captions_*.json (cocodataset.org/#format-data, "Image Captioning"): <c>images</c> of
    /// <c>{id, file_name, …}</c> and <c>annotations</c> of <c>{image_id, id, caption}</c>, joined into one row per image
    /// in the images' order: <c>{id, file_name, caption: [its captions in annotation order], …the image's other fields}</c>.
    /// An image without captions (or a second image of one id) keeps an empty list (a table.row_incomplete reject); a caption of no image is a row
    /// without a file_name (the same).
    /// </summary>
    private static JsonArray? CocoCaptions(JsonObject root)
    {
        if (root["images"] is not JsonArray images || root["annotations"] is not JsonArray annotations
            || annotations.Count == 0 || annotations[0] is not JsonObject first || !first.ContainsKey("caption") || !first.ContainsKey("image_id"))
        {
            return null;
        }

        var rows = new JsonArray();
        var byImage = new Dictionary<string, JsonArray>(StringComparer.Ordinal);
        foreach (var image in images)
        {
            if (image is not JsonObject fields || fields["id"] is not JsonValue id)
            {
                rows.Add(image?.DeepClone());
                continue;
            }

            var row = (JsonObject)fields.DeepClone();
            var captions = new JsonArray();
            row["caption"] = captions;
            byImage.TryAdd(id.ToJsonString(), captions); // a second image of one id keeps no captions: its row is incomplete
            rows.Add(row);
        }

        foreach (var annotation in annotations)
        {
            if (annotation is JsonObject { } caption && caption["image_id"] is JsonValue imageId && byImage.TryGetValue(imageId.ToJsonString(), out var list))
            {
                list.Add(caption["caption"]?.DeepClone());
            }
            else
            {
                rows.Add(new JsonObject { ["annotation"] = annotation?.DeepClone(), ["caption"] = annotation?["caption"]?.DeepClone() });
            }
        }

        return rows;
    }

    /// <summary>The rows of a JSON table: the array itself, or the only array-of-objects member of an object.</summary>
    private static (JsonArray Rows, string? Problem) JsonRows(byte[] bytes)
    {
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(bytes, documentOptions: NoDuplicateKeys);
        }
        catch (JsonException e)
        {
            return ([], $"not valid JSON: {e.Message.Split(" LineNumber:", 2)[0]}");
        }

        switch (root)
        {
            case JsonArray array:
                return (array, null);
            case JsonObject coco when CocoCaptions(coco) is { } joined:
                return (joined, null);
            case JsonObject holder:
                var arrays = holder.Where(pair => pair.Value is JsonArray { Count: > 0 } list && list[0] is JsonObject).ToList();
                return arrays.Count == 1
                    ? ((JsonArray)arrays[0].Value!, null)
                    : ([], arrays.Count == 0
                        ? "a JSON table is an array of row objects, or an object holding one; this object holds none"
                        : $"the object holds several arrays of rows ({string.Join(", ", arrays.Select(pair => pair.Key))}); give the table as one array");
            default:
                return ([], "a JSON table is an array of row objects, or an object holding one");
        }
    }
}
