using System.CommandLine;
using System.Text.Json.Nodes;
using DataForge.Core;
using DataForge.Core.Pipeline;
using DataForge.Core.Stages.Contract;
using DataForge.Core.Storage;

namespace DataForge.Cli.Commands;

/// <summary>
/// <c>dataforge interleave INPUT... --out DIR [--config FILE] [every interleave option as a flag: --min-image-side N, --keep-text-only …]</c>:
/// the interleave stage and a sample-set writer as a two-stage pipeline.
/// </summary>
public static class InterleaveCommand
{
    public static Command Create(CliContext app)
    {
        var inputs = new Argument<string[]>("INPUT") { Description = "WARC files (.warc, .warc.gz) or folders of .html pages", Arity = ArgumentArity.OneOrMore };
        var output = new Option<string>("--out", "-o") { Description = "folder or az:// URI for the sample set", Required = true };
        var config = new Option<FileInfo?>("--config") { Description = "YAML file with any other interleave options (snake_case, as in a pipeline)" };
        var workers = new Option<int>("--workers") { Description = "parallel work (default: all cores)", DefaultValueFactory = _ => Environment.ProcessorCount };
        var verbose = new Option<bool>("--verbose", "-v") { Description = "log each task" };
        var command = new Command("interleave", "extract interleaved image-text documents from web archives and pages")
        {
            inputs, output, config, workers, verbose,
        };
        var flags = StageFlags.For(app.Registry.Resolve("interleave", "interleave"));
        flags.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            StageFlags.RefuseFlagsAsInputs(command, parse.GetValue(inputs)!);
            var options = flags.Apply(parse, parse.GetValue(config) is { } file ? StageOptionsFile.Load(file) : []);
            options["inputs"] = new JsonArray([.. parse.GetValue(inputs)!.Select(input => JsonValue.Create(input))]);

            var location = new SourceLocation("command line", 1, 1);
            await PipelineExecution.RunStagesAsync(
                app, "interleave", [new StageSpec("interleave", options, location), new StageSpec("write", [], location)], parse.GetValue(output)!, parse.GetValue(workers), parse.GetValue(verbose), cancellationToken);
            return DataForgeApp.Success;
        });
        return command;
    }
}
