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
        var config = new Option<FileInfo?>("--config") { Description = "YAML file with any other asr options (snake_case, as in a pipeline)" };
        var listDialects = new Option<bool>("--list-dialects") { Description = "print the dialect codes and the labels they accept, and exit" };
        var workers = new Option<int>("--workers") { Description = "recordings decoded in parallel (default: all cores)", DefaultValueFactory = _ => Environment.ProcessorCount };
        var verbose = new Option<bool>("--verbose", "-v") { Description = "log each task" };
        var command = new Command("asr", "assemble a dialect ASR corpus: 16 kHz utterances with context prompts, speaker-disjoint splits, NeMo and Kaldi manifests")
        {
            manifests, output, config, listDialects, workers, verbose,
        };
        var flags = StageFlags.For(app.Registry.Resolve("asr", "asr"));
        flags.AddTo(command);
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

            StageFlags.RefuseFlagsAsInputs(command, inputs);
            var options = flags.Apply(parse, parse.GetValue(config) is { } file ? StageOptionsFile.Load(file) : []);
            options["inputs"] = new JsonArray([.. inputs.Select(input => JsonValue.Create(input))]);

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
