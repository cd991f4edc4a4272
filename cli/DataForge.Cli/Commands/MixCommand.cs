using System.CommandLine;
using System.Globalization;
using DataForge.Core;
using DataForge.Core.Pipeline;
using DataForge.Core.Storage;
using DataForge.Packing.Shards;

namespace DataForge.Cli.Commands;

/// <summary>
/// <c>dataforge mix MIXTURE.yaml --out DIR [--ranks N] [--workers N]</c>: the mix stage over a mixture file
/// (schemas/mixture.md) as a one-stage pipeline; source paths are relative to the mixture file.
/// </summary>
public static class MixCommand
{
    public static Command Create(CliContext app)
    {
        var mixture = new Argument<FileInfo>("MIXTURE") { Description = "a mixture file (YAML: seq_len, tokenizer, weights, total_tokens or total_rows, seed, sources)" };
        var output = new Option<string>("--out", "-o") { Description = "folder or az:// URI for the shards (index.json with the mixture's shares) and their media", Required = true };
        var ranks = new Option<int?>("--ranks") { Description = "make the rows divisible by this many training ranks (drops at most N − 1 rows; overrides the file's ranks)" };
        var workers = new Option<int>("--workers") { Description = "parallel tokenization (default: all cores); the shards are the same for any count", DefaultValueFactory = _ => Environment.ProcessorCount };
        var verbose = new Option<bool>("--verbose", "-v") { Description = "log each task" };
        var command = new Command("mix", "blend sample sets and shard sets by weight into one packed shard set (shares checked, recorded in index.json)")
        {
            mixture, output, ranks, workers, verbose,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var file = parse.GetValue(mixture)!;
            if (!file.Exists)
            {
                throw new UsageException($"mixture file not found: {file}");
            }

            var options = PipelineFile.ParseOptions(await File.ReadAllTextAsync(file.FullName, cancellationToken), file.ToString());
            if (parse.GetValue(ranks) is { } count)
            {
                options["ranks"] = count;
            }

            if (parse.GetValue(workers) < 1)
            {
                throw new UsageException("--workers must be at least 1");
            }

            var outputUri = parse.GetValue(output)!;
            var location = new SourceLocation(file.ToString(), 1, 1);
            var spec = new PipelineSpec("mix", [], StorageFactory.IsAzure(outputUri) ? outputUri : Path.GetFullPath(outputUri), [new StageSpec("mix", options, location)], 1, file.DirectoryName!);
            var result = await PipelineExecution.RunAsync(app, spec, new RunOptions(new TaskSelection(null, null), parse.GetValue(workers)), parse.GetValue(verbose), cancellationToken);
            if (result.Manifest is not null)
            {
                var storage = new StorageFactory(app.Environment, Directory.GetCurrentDirectory());
                var index = await ShardReader.ReadIndexAsync(storage.Open(spec.Output), cancellationToken);
                await app.Stdout.WriteLineAsync(string.Create(
                    CultureInfo.InvariantCulture,
                    $"mixed {index.Rows:N0} rows of {index.SeqLen:N0} tokens, fill {index.FillRatio:P2}, worst window share error {index.Mixture!.WorstWindowError:P2}"));
                foreach (var source in index.Mixture.Sources)
                {
                    await app.Stdout.WriteLineAsync(string.Create(
                        CultureInfo.InvariantCulture,
                        $"  {source.Name}: target {source.TargetShare:P1}, realised {source.RealisedShare:P2}, {source.Tokens:N0} tokens, {source.Documents:N0} documents, {source.Repeats:N0} repeats ({source.Epochs:0.###} epochs)"));
                }
            }

            return DataForgeApp.Success;
        });
        return command;
    }
}
