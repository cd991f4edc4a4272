using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using DataForge.Core;
using DataForge.Core.Inspect;
using DataForge.Core.Model;
using DataForge.Core.SampleSets;
using DataForge.Core.Storage;
using DataForge.Packing.Shards;
using DataForge.Training.Inspect;

namespace DataForge.Cli.Commands;

/// <summary><c>dataforge inspect PATH [--json] [--show N]</c>: what is in a sample set, for a person or a script.</summary>
public static class InspectCommand
{
    public static Command Create(CliContext app)
    {
        var path = new Argument<string>("PATH") { Description = "a sample set, packed shards or a training run (folder or az:// URI)" };
        var json = new Option<bool>("--json") { Description = "print the summary as one JSON object" };
        var show = new Option<int>("--show") { Description = "also print the first N samples", DefaultValueFactory = _ => 0 };
        var decode = new Option<long[]>("--decode") { Description = "shards: print row K decoded (documents, text, media markers); repeatable", AllowMultipleArgumentsPerToken = true };
        var html = new Option<FileInfo?>("--html") { Description = "write the --serve views of PATH as one self-contained HTML file (first pages of rows, media inlined up to a cap)" };
        var serve = new Option<bool>("--serve") { Description = "open a local web app over PATH (a set, shards, a run, or a folder holding several): rows with media, sets, rejects, runs" };
        var port = new Option<int>("--port") { Description = "--serve: the port (0: any free one)", DefaultValueFactory = _ => 8750 };
        var host = new Option<string>("--host") { Description = "--serve: the address to listen on (127.0.0.1 unless given; 0.0.0.0 for every interface)", DefaultValueFactory = _ => "127.0.0.1" };
        var command = new Command("inspect", "summarise a sample set, packed shards or a training run: counts, fill, modality mix, rejects, loss, expert load") { path, json, show, decode, html, serve, port, host };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var storage = new StorageFactory(app.Environment, Directory.GetCurrentDirectory()).Open(parse.GetValue(path)!);
            // An option that does nothing for this kind of input is an error, never silently ignored.
            void Refuse(string kind, params (string Name, bool Given)[] options)
            {
                var given = options.Where(option => option.Given).Select(option => option.Name).ToList();
                if (given.Count > 0)
                {
                    throw new UsageException($"{string.Join(", ", given)} {(given.Count == 1 ? "does" : "do")} not apply to {kind} ({storage.Uri}): --show is for sample sets, --decode for shards, --json and --html for anything but --serve");
                }
            }

            var showGiven = parse.GetValue(show) > 0;
            var decodeGiven = parse.GetValue(decode) is { Length: > 0 };
            if (parse.GetValue(serve))
            {
                Refuse("--serve", ("--json", parse.GetValue(json)), ("--show", showGiven), ("--decode", decodeGiven), ("--html", parse.GetValue(html) is not null));
                return await InspectServing.RunAsync(app, storage, parse.GetValue(host)!, parse.GetValue(port), cancellationToken);
            }

            if (parse.GetResult(port) is { Implicit: false } || parse.GetResult(host) is { Implicit: false })
            {
                throw new UsageException("--port and --host are options of --serve");
            }

            // --html writes the server's views as one file, for whatever PATH is (a folder holding several included).
            var htmlFile = parse.GetValue(html);
            async Task<int> WithHtmlAsync(int status)
            {
                if (htmlFile is not null)
                {
                    await InspectServing.WriteHtmlAsync(app, storage, htmlFile, cancellationToken);
                }

                return status;
            }

            if (await RunSummary.IsRunAsync(storage, cancellationToken))
            {
                Refuse("a training run", ("--show", showGiven), ("--decode", decodeGiven));
                return await WithHtmlAsync(await RunInspection.RunAsync(app, storage, parse.GetValue(json), cancellationToken));
            }

            if (await ShardReader.IsShardSetAsync(storage, cancellationToken))
            {
                Refuse("packed shards", ("--show", showGiven));
                return await WithHtmlAsync(await ShardInspection.RunAsync(app, storage, parse.GetValue(json), parse.GetValue(decode) ?? [], cancellationToken));
            }

            if (!await SampleSetInspector.IsSampleSetAsync(storage, cancellationToken))
            {
                if (htmlFile is not null && !showGiven && !decodeGiven && !parse.GetValue(json))
                {
                    return await WithHtmlAsync(DataForgeApp.Success);
                }

                throw new DataForgeException($"{storage.Uri} is neither a sample set (no {SampleSetFiles.Manifest}, no part-*.parquet) nor packed shards (no index.json){(htmlFile is null ? string.Empty : "; --html alone also takes a folder holding several")}");
            }

            Refuse("a sample set", ("--decode", decodeGiven));
            var summary = await SampleSetInspector.SummarizeAsync(storage, cancellationToken);
            var samples = new List<Sample>();
            var showCount = parse.GetValue(show);
            if (showCount > 0)
            {
                await foreach (var sample in SampleSetReader.ReadAsync(storage, cancellationToken).Take(showCount).WithCancellation(cancellationToken))
                {
                    samples.Add(sample);
                }
            }

            if (parse.GetValue(json))
            {
                var document = JsonSerializer.SerializeToNode(summary, DataForgeJson.Indented)!.AsObject();
                if (showCount > 0)
                {
                    document["samples_shown"] = new System.Text.Json.Nodes.JsonArray([.. samples.Select(SampleText.ToJson)]);
                }

                await app.Stdout.WriteLineAsync(document.ToJsonString(DataForgeJson.Indented));
            }
            else
            {
                await app.Stdout.WriteAsync(SummaryText(summary));
                foreach (var sample in samples)
                {
                    await app.Stdout.WriteAsync(SampleText.Describe(sample));
                }
            }

            return await WithHtmlAsync(DataForgeApp.Success);
        });
        return command;
    }

    private static string SummaryText(SampleSetSummary summary)
    {
        var text = new System.Text.StringBuilder();
        var invariant = CultureInfo.InvariantCulture;
        text.AppendLine(invariant, $"sample set  {summary.Path}  ({(summary.Complete ? "complete" : "INCOMPLETE: no _SUCCESS")})");
        text.AppendLine(invariant, $"  samples   {summary.Samples:N0} in {summary.Files} file(s)");
        text.AppendLine(invariant, $"  parts     {summary.Parts.Text:N0} text, {summary.Parts.Image:N0} image, {summary.Parts.Audio:N0} audio, {summary.Parts.Video:N0} video");
        var totalChars = Math.Max(1, summary.Sources.Values.Sum(source => source.TextChars));
        foreach (var (source, share) in summary.Sources.OrderByDescending(pair => pair.Value.TextChars).ThenBy(pair => pair.Key, StringComparer.Ordinal).Take(10))
        {
            text.AppendLine(invariant, $"  source    {source}: {share.Samples:N0} samples, {share.TextChars:N0} characters ({share.TextChars / (double)totalChars:P1} of the text)");
        }

        if (summary.Sources.Count > 10)
        {
            text.AppendLine(invariant, $"  source    … and {summary.Sources.Count - 10:N0} more (inspect --json lists them all)");
        }

        text.AppendLine(invariant, $"  text      {summary.TextChars:N0} characters");
        if (summary.AudioSeconds > 0)
        {
            text.AppendLine(invariant, $"  audio     {summary.AudioSeconds:N1} s");
        }

        if (summary.VideoSeconds > 0)
        {
            text.AppendLine(invariant, $"  video     {summary.VideoSeconds:N1} s");
        }

        text.AppendLine(invariant, $"  media     {summary.Media.Objects:N0} objects, {FormatBytes(summary.Media.Bytes)}");
        text.AppendLine(invariant, $"  splits    {string.Join(", ", summary.Splits.Select(split => $"{split.Key} {split.Value:N0}"))}");
        var rejectTotal = summary.RejectsByReason.Values.Sum();
        text.AppendLine(invariant, $"  rejects   {rejectTotal:N0}");
        foreach (var (reason, count) in summary.RejectsByReason.OrderByDescending(pair => pair.Value).ThenBy(pair => pair.Key, StringComparer.Ordinal))
        {
            text.AppendLine(invariant, $"    {reason,-28} {count,8:N0}");
        }

        if (summary.ConfigHash is { } hash)
        {
            text.AppendLine(invariant, $"  config    {hash[..16]}…");
        }

        return text.ToString();
    }

    private static string FormatBytes(long bytes) => bytes switch
    {
        >= 1L << 30 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 30):0.0} GiB"),
        >= 1L << 20 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 20):0.0} MiB"),
        >= 1L << 10 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0:0.0} KiB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes} B"),
    };
}
