using System.Globalization;
using System.Net;
using System.Text;

namespace DataForge.Training.Inspect;

/// <summary>
/// A self-contained HTML page about a training run: the loss curve (with held-out points), each MoE layer's expert
/// load share over the steps, and the modality-to-expert routing matrix. Plain SVG, no scripts, no network.
/// </summary>
public static class RunReport
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;
    private static readonly string[] Colours = ["#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"];
    private static readonly string[] ModalityNames = ["text", "image", "audio"];

    public static string Html(RunSummary run)
    {
        var page = new StringBuilder();
        page.Append("<!doctype html><html><head><meta charset=\"utf-8\"><title>DataForge training run</title>");
        page.Append("<style>body{font-family:system-ui,sans-serif;margin:2em;color:#222}figure{margin:1.5em 0}figcaption{font-weight:600;margin-bottom:.4em}table{border-collapse:collapse}td,th{padding:4px 8px;text-align:right;font-size:13px}</style></head><body>");
        page.Append(Invariant, $"<h1>Training run</h1><p>{Escape(run.Path)} — {run.Steps.Count} steps");
        if (run.Steps.Count > 0)
        {
            page.Append(Invariant, $", loss {run.Steps[0].Loss:0.000} → {run.Steps[^1].Loss:0.000}");
        }

        page.Append("</p>");
        page.Append(LineChart(
            "Loss (training: line; held-out: dots)",
            [("training", Colours[0], run.Steps.Select(step => ((double)step.Step, step.Loss)).ToList())],
            run.Steps.Where(step => step.EvalLoss is not null).Select(step => ((double)step.Step, step.EvalLoss!.Value)).ToList()));
        var layers = run.Steps.Count == 0 ? 0 : run.Steps[0].ExpertLoad.Length;
        for (var layer = 0; layer < layers; layer++)
        {
            var experts = run.Steps[0].ExpertLoad[layer].Length;
            var series = Enumerable.Range(0, experts).Select(expert => (
                $"expert {expert}",
                Colours[expert % Colours.Length],
                run.Steps.Select(step => ((double)step.Step, step.ExpertLoad[layer][expert] / (double)Math.Max(1, step.ExpertLoad[layer].Sum()))).ToList())).ToList();
            page.Append(LineChart($"MoE layer {layer + 1}: share of routed tokens per expert (equal share = {1.0 / experts:0.###})", series, []));
        }

        var matrix = run.RoutingMatrix();
        for (var layer = 0; layer < matrix.Count; layer++)
        {
            page.Append(Invariant, $"<figure><figcaption>MoE layer {layer + 1}: tokens routed, modality × expert (share of the modality's tokens)</figcaption><table><tr><th></th>");
            for (var expert = 0; expert < matrix[layer][0].Length; expert++)
            {
                page.Append(Invariant, $"<th>expert {expert}</th>");
            }

            page.Append("</tr>");
            for (var modality = 0; modality < matrix[layer].Length; modality++)
            {
                var total = Math.Max(1, matrix[layer][modality].Sum());
                page.Append(Invariant, $"<tr><th>{ModalityNames[Math.Min(modality, 2)]}</th>");
                foreach (var count in matrix[layer][modality])
                {
                    var share = count / (double)total;
                    page.Append(Invariant, $"<td style=\"background:rgba(78,121,167,{share:0.###})\">{share:P0}<br><small>{count:N0}</small></td>");
                }

                page.Append("</tr>");
            }

            page.Append("</table></figure>");
        }

        page.Append("</body></html>\n");
        return page.ToString();
    }

    private static string LineChart(string title, IReadOnlyList<(string Name, string Colour, List<(double X, double Y)> Points)> series, List<(double X, double Y)> dots)
    {
        const int width = 720, height = 260, left = 60, right = 130, top = 10, bottom = 30;
        var all = series.SelectMany(s => s.Points).Concat(dots).ToList();
        var svg = new StringBuilder();
        svg.Append(Invariant, $"<figure><figcaption>{Escape(title)}</figcaption><svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" role=\"img\" aria-label=\"{Escape(title)}\">");
        if (all.Count > 0)
        {
            double minX = all.Min(p => p.X), maxX = Math.Max(all.Max(p => p.X), minX + 1), minY = all.Min(p => p.Y), maxY = all.Max(p => p.Y);
            if (maxY - minY < 1e-9)
            {
                (minY, maxY) = (minY - 0.5, maxY + 0.5);
            }

            double X(double x) => left + ((x - minX) / (maxX - minX) * (width - left - right));
            double Y(double y) => top + ((maxY - y) / (maxY - minY) * (height - top - bottom));
            svg.Append(Invariant, $"<line x1=\"{left}\" y1=\"{height - bottom}\" x2=\"{width - right}\" y2=\"{height - bottom}\" stroke=\"#999\"/><line x1=\"{left}\" y1=\"{top}\" x2=\"{left}\" y2=\"{height - bottom}\" stroke=\"#999\"/>");
            svg.Append(Invariant, $"<text x=\"{left - 6}\" y=\"{top + 10}\" text-anchor=\"end\" font-size=\"11\">{maxY:0.###}</text><text x=\"{left - 6}\" y=\"{height - bottom}\" text-anchor=\"end\" font-size=\"11\">{minY:0.###}</text>");
            svg.Append(Invariant, $"<text x=\"{left}\" y=\"{height - 8}\" font-size=\"11\">step {minX:0}</text><text x=\"{width - right}\" y=\"{height - 8}\" text-anchor=\"end\" font-size=\"11\">{maxX:0}</text>");
            for (var s = 0; s < series.Count; s++)
            {
                var (name, colour, points) = series[s];
                svg.Append(Invariant, $"<polyline fill=\"none\" stroke=\"{colour}\" stroke-width=\"1.5\" points=\"{string.Join(' ', points.Select(p => string.Create(Invariant, $"{X(p.X):0.#},{Y(p.Y):0.#}")))}\"/>");
                svg.Append(Invariant, $"<text x=\"{width - right + 8}\" y=\"{top + 12 + (s * 14)}\" font-size=\"11\" fill=\"{colour}\">{Escape(name)}</text>");
            }

            foreach (var (x, y) in dots)
            {
                svg.Append(Invariant, $"<circle cx=\"{X(x):0.#}\" cy=\"{Y(y):0.#}\" r=\"3.5\" fill=\"{Colours[1]}\"/>");
            }
        }

        svg.Append("</svg></figure>");
        return svg.ToString();
    }

    private static string Escape(string text) => WebUtility.HtmlEncode(text);
}
