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
        var images = new Option<string?>("--images") { Description = "the folder of the images a COCO file names" };
        var output = new Option<string>("--out", "-o") { Description = "folder or az:// URI for the sample set", Required = true };
        var ops = new Option<string[]>("--ops") { Description = "edits: paint, remove, highlight (default: all three)", AllowMultipleArgumentsPerToken = true };
        var languages = new Option<string[]>("--lang") { Description = "instruction languages: en, zh (default both)", AllowMultipleArgumentsPerToken = true };
        var seed = new Option<long?>("--seed") { Description = "seeds phrasing, colour and relation choices (default 0)" };
        var minArea = new Option<long?>("--min-area") { Description = "reject objects with fewer pixels (default 100)" };
        var panopticMasks = new Option<string?>("--panoptic-masks") { Description = "COCO panoptic: the segment PNG folder (default: beside the .json, same name)" };
        var config = new Option<FileInfo?>("--config") { Description = "YAML file with any other seg2edit options (snake_case, as in a pipeline)" };
        var workers = new Option<int>("--workers") { Description = "images edited in parallel (default: all cores)", DefaultValueFactory = _ => Environment.ProcessorCount };
        var verbose = new Option<bool>("--verbose", "-v") { Description = "log each task" };
        var command = new Command("seg2edit", "turn segmentation annotations into image-editing triples (paint, remove, highlight)")
        {
            annotations, images, output, ops, languages, seed, minArea, panopticMasks, config, workers, verbose,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var options = parse.GetValue(config) is { } file ? StageOptionsFile.Load(file) : [];
            options["inputs"] = new JsonArray([.. parse.GetValue(annotations)!.Select(input => JsonValue.Create(input))]);
            foreach (var (name, value) in new[] { ("images", parse.GetValue(images)), ("panoptic_masks", parse.GetValue(panopticMasks)) })
            {
                if (value is not null)
                {
                    options[name] = value;
                }
            }

            foreach (var (name, values) in new[] { ("ops", parse.GetValue(ops)), ("languages", parse.GetValue(languages)) })
            {
                if (values is { Length: > 0 })
                {
                    options[name] = new JsonArray([.. values.SelectMany(value => value.Split(',', StringSplitOptions.RemoveEmptyEntries)).Select(value => JsonValue.Create(value))]);
                }
            }

            if (parse.GetValue(seed) is { } seedValue)
            {
                options["seed"] = seedValue;
            }

            if (parse.GetValue(minArea) is { } area)
            {
                options["min_area"] = area;
            }

            var location = new SourceLocation("command line", 1, 1);
            await PipelineExecution.RunStagesAsync(
                app, "seg2edit", [new StageSpec("seg2edit", options, location), new StageSpec("write", [], location)], parse.GetValue(output)!, parse.GetValue(workers), parse.GetValue(verbose), cancellationToken);
            return DataForgeApp.Success;
        });
        return command;
    }
}
