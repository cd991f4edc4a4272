using System.Globalization;
using System.Net;
using System.Text;

namespace DataForge.Packing.Inspect;

/// <summary>A self-contained HTML page about a shard set: numbers, inline SVG plots (document lengths, fill per
/// shard, modality mix) and decoded rows. No scripts, no external resources: it opens anywhere.</summary>
public static class ShardReport
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static string Html(ShardSummary summary, IReadOnlyList<string> decodedRows)
    {
        var page = new StringBuilder();
        page.Append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>DataForge shards: ")
            .Append(Escape(summary.Path))
            .Append("</title><style>body{font-family:system-ui,sans-serif;margin:2em;max-width:1100px;color:#222}")
            .Append("table{border-collapse:collapse}td,th{padding:.2em .8em;text-align:right;border-bottom:1px solid #ddd}")
            .Append("pre{background:#f6f6f6;padding:1em;white-space:pre-wrap;word-break:break-all;font-size:12px}")
            .Append(".plots{display:flex;flex-wrap:wrap;gap:2em}figure{margin:0}figcaption{font-weight:600;margin-bottom:.4em}</style></head><body>");
        page.Append("<h1>Packed shards</h1><p>").Append(Escape(summary.Path)).Append("</p>");
        page.Append("<table>");
        Row(page, "rows", $"{summary.Rows:N0} × {summary.SeqLen:N0} tokens");
        Row(page, "tokenizer", summary.Tokenizer);
        Row(page, "fill ratio", summary.FillRatio.ToString("P2", Invariant));
        Row(page, "real tokens", summary.RealTokens.ToString("N0", Invariant));
        Row(page, "documents", summary.Documents.ToString("N0", Invariant));
        Row(page, "tokens with loss", summary.LossTokens.ToString("N0", Invariant));
        Row(page, "files", summary.Files.Count.ToString(Invariant));
        Row(page, "problems", summary.Problems.Count == 0 ? "none" : string.Join("; ", summary.Problems));
        if (summary.Ranks is { } ranks)
        {
            Row(page, "ranks", $"{ranks.Count} × {ranks.RowsPerRank:N0} rows ({ranks.DroppedRows} dropped)");
        }

        page.Append("</table>");
        if (summary.Mixture is { } mixture)
        {
            page.Append("<h2>Mixture</h2><p>").Append(Escape(FormattableString.Invariant($"Shares by {mixture.Weights}; the worst window of {mixture.WindowRows:N0} rows misses a target by {mixture.WorstWindowError:P2}."))).Append("</p><table><tr><th>source</th><th>target</th><th>realised</th><th>tokens</th><th>documents</th><th>repeats</th><th>epochs</th></tr>");
            foreach (var source in mixture.Sources)
            {
                page.Append("<tr><td>").Append(Escape(source.Name)).Append("</td><td>")
                    .Append(FormattableString.Invariant($"{source.TargetShare:P1}</td><td>{source.RealisedShare:P2}</td><td>{source.Tokens:N0}</td><td>{source.Documents:N0}</td><td>{source.Repeats:N0}</td><td>{source.Epochs:0.###}</td></tr>"));
            }

            page.Append("</table>");
            page.Append(Bars("Realised share by source (target in the table)", [.. mixture.Sources.Select(source => (source.Name, source.RealisedShare))], "#b279a2", value => value.ToString("P1", Invariant), maximum: 1));
        }

        page.Append("<div class=\"plots\">");
        page.Append(Bars("Document length (tokens, ≤ bucket)", [.. summary.DocumentLengthHistogram.Select(pair => (pair.Key, (double)pair.Value))], "#4c78a8", value => value.ToString("N0", Invariant)));
        page.Append(Bars("Fill ratio per shard", [.. summary.Files.Select(file => (file.Name.Replace(".parquet", string.Empty, StringComparison.Ordinal), file.FillRatio))], "#54a24b", value => value.ToString("P1", Invariant), maximum: 1));
        page.Append(Bars("Tokens by modality", [.. summary.TokensByModality.Select(pair => (pair.Key, (double)pair.Value))], "#f58518", value => value.ToString("N0", Invariant)));
        page.Append("</div><h2>Decoded rows</h2><p>Document boundaries are rules; text without loss is in ⟦brackets⟧; media show as markers.</p>");
        foreach (var row in decodedRows)
        {
            page.Append("<pre>").Append(Escape(row)).Append("</pre>");
        }

        page.Append("</body></html>\n");
        return page.ToString();
    }

    private static void Row(StringBuilder page, string name, string value) =>
        page.Append("<tr><th>").Append(Escape(name)).Append("</th><td>").Append(Escape(value)).Append("</td></tr>");

    /// <summary>A horizontal bar chart as inline SVG.</summary>
    private static string Bars(string title, IReadOnlyList<(string Label, double Value)> bars, string colour, Func<double, string> format, double? maximum = null)
    {
        const int width = 480, barHeight = 18, labelWidth = 110, valueWidth = 80;
        var height = Math.Max(1, bars.Count) * (barHeight + 4) + 8;
        var top = maximum ?? Math.Max(1e-9, bars.Select(bar => bar.Value).DefaultIfEmpty(0).Max());
        var svg = new StringBuilder();
        svg.Append(Invariant, $"<figure><figcaption>{Escape(title)}</figcaption><svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" role=\"img\" aria-label=\"{Escape(title)}\">");
        for (var i = 0; i < bars.Count; i++)
        {
            var (label, value) = bars[i];
            var y = 4 + (i * (barHeight + 4));
            var length = Math.Max(1, (width - labelWidth - valueWidth) * value / top);
            svg.Append(Invariant, $"<text x=\"{labelWidth - 6}\" y=\"{y + 13}\" text-anchor=\"end\" font-size=\"12\">{Escape(label)}</text>");
            svg.Append(Invariant, $"<rect x=\"{labelWidth}\" y=\"{y}\" width=\"{length:0.#}\" height=\"{barHeight}\" fill=\"{colour}\"/>");
            svg.Append(Invariant, $"<text x=\"{labelWidth + length + 4:0.#}\" y=\"{y + 13}\" font-size=\"12\">{Escape(format(value))}</text>");
        }

        svg.Append("</svg></figure>");
        return svg.ToString();
    }

    private static string Escape(string text) => WebUtility.HtmlEncode(text);
}
