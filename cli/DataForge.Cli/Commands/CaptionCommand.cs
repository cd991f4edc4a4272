using System.CommandLine;
using System.Text.Json.Nodes;
using DataForge.Core;
using DataForge.Core.Inspect;
using DataForge.Core.Pipeline;
using DataForge.Core.Stages.Contract;
using DataForge.Core.Storage;

namespace DataForge.Cli.Commands;

/// <summary>
/// <c>dataforge caption INPUT --out DIR [--captioner template|openai|fusion] [--endpoint URL --model NAME --api-key-env VAR]
/// [--lang en,zh] [--config FILE]</c>: INPUT is a sample set
/// or a folder of images; the output is a sample set with the inputs and their caption samples.
/// </summary>
public static class CaptionCommand
{
    public static Command Create(CliContext app)
    {
        var input = new Argument<string>("INPUT") { Description = "a sample set, or a folder of images (with optional .txt captions)" };
        var output = new Option<string>("--out", "-o") { Description = "folder or az:// URI for the captioned sample set", Required = true };
        var config = new Option<FileInfo?>("--config") { Description = "YAML file with any other caption options (snake_case, as in a pipeline)" };
        var workers = new Option<int>("--workers") { Description = "parallel image analysis (default: all cores)", DefaultValueFactory = _ => Environment.ProcessorCount };
        var verbose = new Option<bool>("--verbose", "-v") { Description = "log each task" };
        var command = new Command("caption", "add captions to the images of a sample set or an image folder")
        {
            input, output, config, workers, verbose,
        };
        var flags = StageFlags.For(app.Registry.Resolve("caption", "caption"));
        flags.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            StageFlags.RefuseFlagsAsInputs(command, [parse.GetValue(input)!]);
            var options = flags.Apply(parse, parse.GetValue(config) is { } file ? StageOptionsFile.Load(file) : []);
            if (parse.GetValue(workers) < 1)
            {
                throw new UsageException("--workers must be at least 1");
            }

            var source = parse.GetValue(input)!;
            var isSet = await SampleSetInspector.IsSampleSetAsync(new StorageFactory(app.Environment, Directory.GetCurrentDirectory()).Open(source), cancellationToken);
            var location = new SourceLocation("command line", 1, 1);
            var reader = new StageSpec(isSet ? "read-samples" : "read-images", new JsonObject { ["inputs"] = new JsonArray(JsonValue.Create(source)) }, location);
            var outputUri = parse.GetValue(output)!;
            var spec = new PipelineSpec(
                "caption",
                [],
                StorageFactory.IsAzure(outputUri) ? outputUri : Path.GetFullPath(outputUri),
                [reader, new StageSpec("caption", options, location), new StageSpec("write", [], location)],
                1,
                Directory.GetCurrentDirectory());
            await PipelineExecution.RunAsync(app, spec, new RunOptions(new TaskSelection(null, null), parse.GetValue(workers)), parse.GetValue(verbose), cancellationToken);
            return DataForgeApp.Success;
        });
        return command;
    }
}
