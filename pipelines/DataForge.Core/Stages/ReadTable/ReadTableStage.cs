using System.Collections.Immutable;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using DataForge.Core.Fetch;
using DataForge.Core.Media;
using DataForge.Core.Model;
using DataForge.Core.Rejects;
using DataForge.Core.Stages.Contract;
using DataForge.Core.Stages.SourceMedia;
using DataForge.Core.Storage;

namespace DataForge.Core.Stages.ReadTable;

/// <summary>
/// Source of samples from a table of named columns (issue 19): each row is <c>[Image(content), Text(target)]</c> when the
/// table names images, else <c>[Text(target)]</c>; a row holding a list of captions gives one sample per caption. The
/// id and split columns are kept, every other column goes into meta. Columns are found once per file (the header, or
/// the first JSON row); a text column the table lacks refuses the file, naming the columns it has.
/// </summary>
public sealed class ReadTableStage(ReadTableOptions options) : SourceStage
{
    public static readonly StageDefinition Definition =
        new StageDefinition<ReadTableOptions>("read-table", "read tables of named columns (CSV, TSV, JSON Lines, JSON, optionally .gz/.zst; Parquet with Hugging Face image structs): captions over images, or text", options => new ReadTableStage(options),
            [.. TableRejectReasons.All, .. FetchRejectReasons.All, CoreRejectReasons.InputUnsupportedFormat, CoreRejectReasons.InputTooLarge, CoreRejectReasons.InputCorrupt, CoreRejectReasons.InputDecompressionBomb, CoreRejectReasons.RecordTooLarge, .. CoreRejectReasons.ImageProbe]);

    protected override async IAsyncEnumerable<StageOutcome> ReadFileAsync(InputFile file, StageRun run)
    {
        var cancellationToken = run.CancellationToken;
        if (!TableRows.IsTable(file.Path))
        {
            yield return StageOutcome.Reject(file.Uri, CoreRejectReasons.InputUnsupportedFormat, "read-table reads .csv, .tsv, .jsonl and .json tables (each optionally .gz or .zst) and .parquet");
            yield break;
        }

        var images = options.Images is { } folder ? new StorageFactory(run.Context.Environment, run.Context.BaseDirectory).Open(folder) : file.Folder;
        using var fetcher = options.Fetch ? new ImageFetcher(
            new FetchSettings(options.FetchAllowPrivate, TimeSpan.FromSeconds(options.FetchTimeoutSeconds), options.FetchMaxBytes, options.FetchRetries, TimeSpan.FromMilliseconds(options.FetchRetryBaseMs), options.FetchUserAgent, options.FetchPerHost),
            run.Context.Clock) : null;
        var urls = fetcher is null ? null : new UrlImages(fetcher, run.Context.Output, options, run.Context);

        // A table with images: rows are read in order and worked on ahead (fetches in flight, images decoding),
        // outcomes in table order. A text table is cheap per row: it is read inline, without the hand-offs.
        await using var work = WorkAsync(file, cancellationToken).GetAsyncEnumerator(cancellationToken);
        if (!await work.MoveNextAsync())
        {
            yield break;
        }

        var first = work.Current;
        if (first.Columns?.Image is null)
        {
            for (var item = first; ; item = work.Current)
            {
                yield return item.Ready ?? await RowAsync(item, file, images, urls, run.Context, cancellationToken);
                if (!await work.MoveNextAsync())
                {
                    yield break;
                }
            }
        }

        var degree = fetcher is not null ? options.FetchConcurrency : run.Context.Workers;
        await foreach (var outcome in run.MapOrderedAsync(Rest(first, work), (item, token) => item.Ready is { } ready ? ValueTask.FromResult(ready) : new ValueTask<StageOutcome>(RowAsync(item, file, images, urls, run.Context, token)), degree))
        {
            yield return outcome;
        }
    }

    /// <summary>The first item, then the rest of the enumerator's.</summary>
    private static async IAsyncEnumerable<Work> Rest(Work first, IAsyncEnumerator<Work> rest)
    {
        yield return first;
        while (await rest.MoveNextAsync())
        {
            yield return rest.Current;
        }
    }

    /// <summary>A row to turn into samples, or an outcome already known (a reject of the row or the file).</summary>
    private sealed record Work(StageOutcome? Ready, JsonObject? Values = null, Columns? Columns = null, string Where = "");

    private async IAsyncEnumerable<Work> WorkAsync(InputFile file, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        Columns? columns = null;
        await foreach (var record in TableRows.ReadCheckedAsync(file, options.MaxFileBytes, TableRejectReasons.TableEmpty, cancellationToken))
        {
            var where = string.Create(CultureInfo.InvariantCulture, $"{file.Uri}#row={record.Row}");
            if (record.Values is not { } values)
            {
                yield return new Work(StageOutcome.Reject(record.Row == 0 ? file.Uri : where, record.Reason ?? TableRejectReasons.TableInvalidRow, record.Problem!));
                if (record.Row == 0)
                {
                    yield break;
                }

                continue;
            }

            if (columns is null)
            {
                columns = Resolve(values);
                if (columns.Problem is { } missing)
                {
                    yield return new Work(StageOutcome.Reject(file.Uri, TableRejectReasons.TableMissingColumn, missing));
                    yield break;
                }
            }

            yield return new Work(null, values, columns, where);
        }
    }

    private sealed record Columns(string Text, string? Image, string? Problem);

    /// <summary>The text and image columns: as configured, else the first usual name the row has.</summary>
    private Columns Resolve(JsonObject row)
    {
        var names = row.Select(pair => pair.Key).ToList();
        var text = options.TextColumn ?? ReadTableOptions.TextNames.FirstOrDefault(row.ContainsKey);
        if (text is null || !row.ContainsKey(text))
        {
            return new Columns(string.Empty, null, $"no text column {(options.TextColumn is { } given ? $"'{given}'" : $"(looked for {string.Join(", ", ReadTableOptions.TextNames)})")}; the table's columns are {string.Join(", ", names)} (set text_column)");
        }

        var image = options.ImageColumn ?? ReadTableOptions.ImageNames.FirstOrDefault(row.ContainsKey);
        if (options.ImageColumn is { } wanted && !row.ContainsKey(wanted))
        {
            return new Columns(text, null, $"no image column '{wanted}'; the table's columns are {string.Join(", ", names)}");
        }

        return new Columns(text, image, null);
    }

    private async Task<StageOutcome> RowAsync(Work work, InputFile file, IStorage images, UrlImages? urls, StageContext context, CancellationToken cancellationToken)
    {
        var (values, columns, where) = (work.Values!, work.Columns!, work.Where);
        var texts = Texts(values[columns.Text]);
        if (texts.Count == 0)
        {
            return StageOutcome.Reject(where, TableRejectReasons.TableRowIncomplete, $"no text in column '{columns.Text}'");
        }

        ImagePart? image = null;
        IReadOnlyList<KeyValuePair<string, long>> counters = [];
        if (columns.Image is { } imageColumn)
        {
            if (Scalar(values[imageColumn]) is { } url && UrlImages.IsUrl(url))
            {
                if (urls is null)
                {
                    return StageOutcome.Reject(where, TableRejectReasons.TableImageUrl, $"{url}: an image URL, and fetch is off (set fetch: true to download it)");
                }

                var (fetched, cached, failure) = await urls.GetAsync(url, where, cancellationToken);
                counters = [KeyValuePair.Create("fetch_urls", 1L), KeyValuePair.Create(failure is null ? "fetch_ok" : "fetch_failed", 1L), .. cached ? [KeyValuePair.Create("fetch_remembered", 1L)] : Array.Empty<KeyValuePair<string, long>>()];
                if (failure is not null)
                {
                    return new StageOutcome { Rejections = [failure], Counters = counters };
                }

                image = fetched;
            }
            else
            {
                var (part, rejection) = await ImageAsync(values[imageColumn], imageColumn, where, images, context, cancellationToken);
                if (rejection is not null)
                {
                    return new StageOutcome { Rejections = [rejection] };
                }

                image = part;
            }
        }

        var id = Scalar(values[options.IdColumn]) ?? SampleIds.FromSource(where);
        var split = Scalar(values[options.SplitColumn]);
        var meta = new JsonObject { ["table"] = StoragePaths.FileName(file.Path) };
        foreach (var (column, value) in values)
        {
            if (column != columns.Text && column != columns.Image && column != options.IdColumn && column != options.SplitColumn)
            {
                meta[column] = value?.DeepClone();
            }
        }

        var samples = new List<Sample>();
        for (var k = 0; k < texts.Count; k++)
        {
            var parts = ImmutableArray.CreateBuilder<Part>();
            if (image is not null)
            {
                parts.Add(image);
            }

            parts.Add(new TextPart(texts[k], Role.Target));
            var sampleId = texts.Count == 1 ? id : string.Create(CultureInfo.InvariantCulture, $"{id}#caption={k}");
            var source = texts.Count == 1 ? where : string.Create(CultureInfo.InvariantCulture, $"{where}&caption={k}");
            samples.Add(new Sample(sampleId, source, parts.ToImmutable(), meta.ToJsonString(DataForgeJson.Compact), split));
        }

        return new StageOutcome { Samples = samples, Counters = counters };
    }

    /// <summary>
    /// A row's image: a path (relative to the images folder), or Hugging Face datasets' Image struct
    /// <c>{"bytes": …, "path": …}</c> (features.Image: the bytes when the image is embedded, else the path).
    /// </summary>
    private async Task<(ImagePart? Part, Rejection? Rejection)> ImageAsync(JsonNode? value, string column, string where, IStorage images, StageContext context, CancellationToken cancellationToken)
    {
        var rules = new MediaFileRules(options.AllowPathsOutside, options.MaxPixels, options.MaxFileBytes, TableRejectReasons.TableImageMissing, TableRejectReasons.TableImagePathOutside);
        var reader = new MediaFileReader(images, rules, context);
        if (value is JsonObject embedded)
        {
            var name = Scalar(embedded["path"]) ?? $"the {column} bytes";
            if (Scalar(embedded["bytes"]) is { Length: > 0 } base64)
            {
                byte[] bytes;
                try
                {
                    bytes = Convert.FromBase64String(base64);
                }
                catch (FormatException)
                {
                    return (null, new Rejection(where, TableRejectReasons.TableRowIncomplete, $"column '{column}': bytes that are not base64"));
                }

                return await reader.ImageAsync(bytes, name, Role.Content, where, cancellationToken);
            }

            value = embedded["path"];
        }

        var path = Scalar(value);
        if (string.IsNullOrWhiteSpace(path))
        {
            return (null, new Rejection(where, TableRejectReasons.TableRowIncomplete, $"no image in column '{column}'"));
        }

        return await reader.ReadImageAsync(path, Role.Content, where, cancellationToken);
    }

    /// <summary>A caption, or a list of captions (COCO gives five per image); empty strings are none.</summary>
    private static List<string> Texts(JsonNode? value) => value switch
    {
        JsonArray list => [.. list.Select(Scalar).Where(text => !string.IsNullOrWhiteSpace(text)).Select(text => text!)],
        _ when Scalar(value) is { } text && !string.IsNullOrWhiteSpace(text) => [text],
        _ => [],
    };

    /// <summary>A value as text: strings as they are, numbers and booleans as JSON writes them; objects and arrays are none.</summary>
    private static string? Scalar(JsonNode? value) => value is JsonValue scalar
        ? scalar.GetValueKind() switch
        {
            JsonValueKind.String => scalar.GetValue<string>(),
            JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => scalar.ToJsonString(),
            _ => null,
        }
        : null;
}
