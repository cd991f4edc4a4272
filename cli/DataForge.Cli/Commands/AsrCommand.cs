using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using DataForge.Core;
using DataForge.Core.Pipeline;
using DataForge.Core.Stages.Contract;
using DataForge.Core.Storage;
using DataForge.Speech.Outputs;
using DataForge.Speech.Text;

namespace DataForge.Cli.Commands;

/// <summary>
/// <c>dataforge asr MANIFEST... --out DIR [--dialect L] [--domain D] [--glossary FILE] [--format wav|flac]
/// [--script keep|simplified|traditional] [--dev F] [--test F] [--seed N] [--prompt-lang zh|en] [--keep-untranscribed]
/// [--config FILE]</c>: the asr stage and a sample-set writer; <c>--list-dialects</c> prints the taxonomy.
/// </summary>
public static class AsrCommand
{
    public static Command Create(CliContext app)
    {
        var manifests = new Argument<string[]>("MANIFEST") { Description = "TSV/CSV/JSONL manifests, Kaldi directories or .srt/.vtt files beside their audio", Arity = ArgumentArity.ZeroOrMore };
        var output = new Option<string?>("--out", "-o") { Description = "folder or az:// URI for the sample set and manifests" };
        var dialect = new Option<string?>("--dialect") { Description = "dialect of entries that name none (a label or code; see --list-dialects)" };
        var domain = new Option<string?>("--domain") { Description = "domain of entries that name none, stated in the prompts" };
        var glossary = new Option<string?>("--glossary") { Description = "file of hotwords, one per line, for the context prompts" };
        var format = new Option<string?>("--format") { Description = "stored audio: wav (default) or flac" };
        var script = new Option<string?>("--script") { Description = "keep (default), simplified or traditional characters" };
        var dev = new Option<double?>("--dev") { Description = "share of utterances held out for dev, by speaker (default 0.1)" };
        var test = new Option<double?>("--test") { Description = "share of utterances held out for test, by speaker (default 0.1)" };
        var seed = new Option<long?>("--seed") { Description = "seeds the split order and distractor hotwords (default 0)" };
        var promptLanguage = new Option<string?>("--prompt-lang") { Description = "language of the context prompts: zh (default) or en" };
        var keepUntranscribed = new Option<bool>("--keep-untranscribed") { Description = "keep entries without a transcript as unlabelled utterances (long ones split at pauses)" };
        var config = new Option<FileInfo?>("--config") { Description = "YAML file with any other asr options (snake_case, as in a pipeline)" };
        var listDialects = new Option<bool>("--list-dialects") { Description = "print the dialect codes and the labels they accept, and exit" };
        var workers = new Option<int>("--workers") { Description = "recordings decoded in parallel (default: all cores)", DefaultValueFactory = _ => Environment.ProcessorCount };
        var verbose = new Option<bool>("--verbose", "-v") { Description = "log each task" };
        var command = new Command("asr", "assemble a dialect ASR corpus: 16 kHz utterances with context prompts, speaker-disjoint splits, NeMo and Kaldi manifests")
        {
            manifests, output, dialect, domain, glossary, format, script, dev, test, seed, promptLanguage, keepUntranscribed, config, listDialects, workers, verbose,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (parse.GetValue(listDialects))
            {
                foreach (var entry in DialectTaxonomy.All)
                {
                    await app.Stdout.WriteLineAsync($"{entry.Code,-14} {entry.English} / {entry.Chinese}");
                }

                return DataForgeApp.Success;
            }

            var inputs = parse.GetValue(manifests) ?? [];
            var outputUri = parse.GetValue(output);
            if (inputs.Length == 0 || outputUri is null)
            {
                throw new UsageException("asr needs MANIFEST... and --out DIR (or --list-dialects)");
            }

            var options = parse.GetValue(config) is { } file ? StageOptionsFile.Load(file) : [];
            options["inputs"] = new JsonArray([.. inputs.Select(input => JsonValue.Create(input))]);
            foreach (var (name, value) in new[]
            {
                ("dialect", parse.GetValue(dialect)), ("domain", parse.GetValue(domain)), ("glossary", parse.GetValue(glossary)),
                ("audio_format", parse.GetValue(format)), ("script", parse.GetValue(script)), ("prompt_language", parse.GetValue(promptLanguage)),
            })
            {
                if (value is not null)
                {
                    options[name] = value;
                }
            }

            foreach (var (name, value) in new[] { ("dev_fraction", parse.GetValue(dev)), ("test_fraction", parse.GetValue(test)) })
            {
                if (value is { } fraction)
                {
                    options[name] = fraction;
                }
            }

            if (parse.GetValue(seed) is { } seedValue)
            {
                options["seed"] = seedValue;
            }

            if (parse.GetValue(keepUntranscribed))
            {
                options["keep_untranscribed"] = true;
            }

            var location = new SourceLocation("command line", 1, 1);
            var result = await PipelineExecution.RunStagesAsync(
                app, "asr", [new StageSpec("asr", options, location), new StageSpec("write", [], location)], outputUri, parse.GetValue(workers), parse.GetValue(verbose), cancellationToken);
            if (result.Manifest is not null)
            {
                await PrintSplitsAsync(app, outputUri, cancellationToken);
            }

            return DataForgeApp.Success;
        });
        return command;
    }

    /// <summary>One line per split from asr/stats.json: what a user checks first (is every split there, per dialect).</summary>
    private static async Task PrintSplitsAsync(CliContext app, string outputUri, CancellationToken cancellationToken)
    {
        var storage = new StorageFactory(app.Environment, Directory.GetCurrentDirectory()).Open(outputUri);
        var bytes = await storage.ReadAllBytesAsync($"{SpeechManifests.Folder}/stats.json", cancellationToken);
        if (JsonNode.Parse(bytes) is not JsonObject stats || stats["splits"] is not JsonObject splits)
        {
            return;
        }

        foreach (var (name, node) in splits)
        {
            if (node is not JsonObject split)
            {
                continue;
            }

            var dialects = split["dialects"] is JsonObject perDialect
                ? string.Join(", ", perDialect.Select(pair => $"{pair.Key} {pair.Value?["utterances"]}"))
                : string.Empty;
            await app.Stdout.WriteLineAsync(string.Create(
                CultureInfo.InvariantCulture,
                $"  {name,-5} {split["utterances"],5} utterances, {(double)split["hours"]! * 60:0.0} min, {split["speakers"]} speakers ({dialects})"));
        }
    }
}
