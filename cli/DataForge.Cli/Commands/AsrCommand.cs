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
        var listDialects = new Option<bool>("--list-dialects") { Description = "print the dialect codes and the labels they accept, and exit" };
        return new SourceStageCommand(
            "asr",
            "assemble a dialect ASR corpus: 16 kHz utterances with context prompts, speaker-disjoint splits, NeMo and Kaldi manifests",
            "MANIFEST",
            "TSV/CSV/JSONL manifests, Kaldi directories or .srt/.vtt files beside their audio")
        {
            ExtraOptions = [listDialects],
            Before = async parse =>
            {
                if (!parse.GetValue(listDialects))
                {
                    return null;
                }

                foreach (var entry in DialectTaxonomy.All)
                {
                    await app.Stdout.WriteLineAsync($"{entry.Code,-14} {entry.English} / {entry.Chinese}");
                }

                return DataForgeApp.Success;
            },
            After = (outputUri, cancellationToken) => PrintSplitsAsync(app, outputUri, cancellationToken),
        }.Create(app);
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
