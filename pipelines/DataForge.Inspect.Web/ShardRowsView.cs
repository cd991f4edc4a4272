using System.Text.Json.Nodes;
using DataForge.Packing.Inspect;
using DataForge.Packing.Layout;
using DataForge.Packing.Shards;
using DataForge.Packing.Tokenization;

namespace DataForge.Inspect.Web;

/// <summary>
/// Packed rows as the page shows them: per row its fill and documents (from cu_seqlens), each document's segments
/// (text with its loss, image and audio placeholders with the medium they stand for). A page starts at the file that
/// holds its first row (index.json's row counts) and reads that file's rows in order; a search scans at most
/// <see cref="SearchRowLimit"/> rows.
/// </summary>
public sealed class ShardRowsView(InspectTarget target)
{
    public const int PageLimit = 50;
    public const int SearchRowLimit = 200_000;

    private ShardIndex? _index;
    private ITextTokenizer? _tokenizer;

    public async Task<JsonObject> PageAsync(long offset, int limit, CancellationToken cancellationToken)
    {
        var (index, tokenizer) = await OpenAsync(cancellationToken);
        limit = Math.Clamp(limit, 1, PageLimit);
        var rows = new JsonArray();
        // Whole files before the page are skipped by index.json's row counts; within a file rows are read in order.
        long number = 0;
        var files = index.Files.SkipWhile(file =>
        {
            var before = number + file.Rows <= offset;
            number += before ? file.Rows : 0;
            return before;
        }).ToList();
        await foreach (var (file, row) in ShardReader.ReadRowsAsync(target.Storage, files, null, cancellationToken))
        {
            if (number >= offset)
            {
                rows.Add(Row(number, file, row, index, tokenizer));
                if (rows.Count >= limit)
                {
                    break;
                }
            }

            number++;
        }

        return new JsonObject { ["offset"] = offset, ["limit"] = limit, ["total"] = index.Rows, ["seq_len"] = index.SeqLen, ["rows"] = rows };
    }

    /// <summary>Rows holding a document whose id contains <paramref name="query"/>, or whose text does.</summary>
    public async Task<JsonObject> SearchAsync(string query, CancellationToken cancellationToken)
    {
        var (index, tokenizer) = await OpenAsync(cancellationToken);
        var matches = new JsonArray();
        long number = 0;
        await foreach (var (_, row) in ShardReader.ReadRowsAsync(target.Storage, index, cancellationToken))
        {
            if (number >= SearchRowLimit || matches.Count >= PageLimit)
            {
                break;
            }

            var byId = row.DocIds.FirstOrDefault(id => id.Contains(query, StringComparison.OrdinalIgnoreCase));
            var byText = byId is null && row.Problem(index.SeqLen, index.Tokenizer.VocabSize) is null
                ? RowSegments.Of(row, index, tokenizer).FirstOrDefault(segment => segment.Text?.Contains(query, StringComparison.OrdinalIgnoreCase) == true)
                : null;
            if (byId is not null || byText is not null)
            {
                matches.Add(new JsonObject { ["row"] = number, ["document"] = byId ?? row.DocIds[byText!.Document], ["by"] = byId is not null ? "id" : "text" });
            }

            number++;
        }

        return new JsonObject { ["query"] = query, ["scanned_rows"] = number, ["matches"] = matches };
    }

    private async Task<(ShardIndex Index, ITextTokenizer Tokenizer)> OpenAsync(CancellationToken cancellationToken)
    {
        _index ??= await ShardReader.ReadIndexAsync(target.Storage, cancellationToken);
        _tokenizer ??= await TokenizerCatalog.LoadForShardsAsync(target.Storage, _index, cancellationToken);
        return (_index, _tokenizer);
    }

    private static JsonObject Row(long number, string file, ShardRow row, ShardIndex index, ITextTokenizer tokenizer)
    {
        var real = row.CuSeqlens.Length > 0 ? row.CuSeqlens[^1] : 0;
        var json = new JsonObject { ["row"] = number, ["file"] = file, ["real_tokens"] = real, ["fill"] = real / (double)index.SeqLen };
        if (row.Problem(index.SeqLen, index.Tokenizer.VocabSize) is { } problem)
        {
            json["problem"] = problem;
            return json;
        }

        var segments = RowSegments.Of(row, index, tokenizer);
        var documents = new JsonArray();
        for (var d = 0; d + 1 < row.CuSeqlens.Length; d++)
        {
            documents.Add(new JsonObject
            {
                ["id"] = d < row.DocIds.Length ? row.DocIds[d] : null,
                ["start"] = row.CuSeqlens[d],
                ["end"] = row.CuSeqlens[d + 1],
                ["segments"] = new JsonArray([.. segments.Where(segment => segment.Document == d).Select(Segment)]),
            });
        }

        json["documents"] = documents;
        return json;
    }

    private static JsonObject Segment(RowSegment segment)
    {
        var json = new JsonObject
        {
            ["modality"] = segment.Modality switch { Modality.Image => "image", Modality.Audio => "audio", Modality.Video => "video", _ => "text" },
            ["loss"] = segment.Loss,
            ["tokens"] = segment.End - segment.Start,
        };
        if (segment.Text is not null)
        {
            json["text"] = segment.Text;
        }

        if (segment.Media is not null)
        {
            json["media"] = segment.Media;
        }

        if (segment.Modality == Modality.Image)
        {
            (json["width"], json["height"]) = (segment.Width, segment.Height);
        }

        if (segment.Modality == Modality.Audio)
        {
            json["seconds"] = segment.Seconds;
        }

        if (segment.Modality == Modality.Video)
        {
            (json["width"], json["height"], json["seconds"]) = (segment.Width, segment.Height, segment.Seconds);
            json["frames"] = new JsonArray([.. (segment.Frames ?? []).Select(frame => (JsonNode)frame)]);
        }

        return json;
    }
}
