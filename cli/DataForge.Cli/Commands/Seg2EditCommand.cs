using System.CommandLine;
using System.Text.Json.Nodes;
using DataForge.Core;
using DataForge.Core.Pipeline;
using DataForge.Core.Stages.Contract;
using DataForge.Core.Storage;

namespace DataForge.Cli.Commands;

/// <summary>
/// <c>dataforge seg2edit ANNOTATIONS... --images DIR --out DIR [--ops paint,remove,highlight] [--lang en,zh] [--seed N]
/// [--min-area N] [--panoptic-masks DIR] [--config FILE]</c>: the seg2edit stage and a sample-set writer.
/// </summary>
public static class Seg2EditCommand
{
    public static Command Create(CliContext app)
    {
        var annotations = new Argument<string[]>("ANNOTATIONS") { Description = "COCO instances or panoptic .json, or a mask folder's labels.tsv/.csv", Arity = ArgumentArity.OneOrMore };
        var output = new Option<string>("--out", "-o") { Description = "folder or az:// URI for the sample set", Required = true };
        var config = new Option<FileInfo?>("--config") { Description = "YAML file with any other seg2edit options (snake_case, as in a pipeline)" };
        var workers = new Option<int>("--workers") { Description = "images edited in parallel (default: all cores)", DefaultValueFactory = _ => Environment.ProcessorCount };
        var verbose = new Option<bool>("--verbose", "-v") { Description = "log each task" };
        var command = new Command("seg2edit", "turn segmentation annotations into image-editing triples (paint, remove, highlight)")
        {
            annotations, output, config, workers, verbose,
        };
        var flags = StageFlags.For(app.Registry.Resolve("seg2edit", "seg2edit"));
        flags.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            StageFlags.RefuseFlagsAsInputs(command, parse.GetValue(annotations)!);
            var options = flags.Apply(parse, parse.GetValue(config) is { } file ? StageOptionsFile.Load(file) : []);
            options["inputs"] = new JsonArray([.. parse.GetValue(annotations)!.Select(input => JsonValue.Create(input))]);
            var location = new SourceLocation("command line", 1, 1);
            await PipelineExecution.RunStagesAsync(
                app, "seg2edit", [new StageSpec("seg2edit", options, location), new StageSpec("write", [], location)], parse.GetValue(output)!, parse.GetValue(workers), parse.GetValue(verbose), cancellationToken);
            return DataForgeApp.Success;
        });
        return command;
    }
}
