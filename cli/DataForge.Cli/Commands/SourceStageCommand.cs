using System.CommandLine;
using System.Text.Json.Nodes;
using DataForge.Core;
using DataForge.Core.Pipeline;

namespace DataForge.Cli.Commands;

/// <summary>
/// The command of a source stage: <c>dataforge STAGE INPUT... --out DIR [--config FILE] [--workers N] [-v]</c> plus one
/// flag per option of the stage (<see cref="StageFlags"/>), run as the two-stage pipeline [STAGE, write]. A new
/// source stage gets its command from one call here; what a stage adds (asr's --list-dialects, its split summary)
/// comes in through <see cref="Extras"/>.
/// </summary>
internal sealed record SourceStageCommand(string Stage, string Description, string InputName, string InputDescription)
{
    /// <summary>Extra options of the command, and an action run before the pipeline that may answer alone (returns an exit code).</summary>
    public IReadOnlyList<Option> ExtraOptions { get; init; } = [];

    public Func<ParseResult, Task<int?>>? Before { get; init; }

    /// <summary>Runs after a complete run, with the output's URI.</summary>
    public Func<string, CancellationToken, Task>? After { get; init; }

    public Command Create(CliContext app)
    {
        var inputs = new Argument<string[]>(InputName) { Description = InputDescription, Arity = Before is null ? ArgumentArity.OneOrMore : ArgumentArity.ZeroOrMore };
        var output = new Option<string?>("--out", "-o") { Description = "folder or az:// URI for the sample set", Required = Before is null };
        var config = new Option<FileInfo?>("--config") { Description = $"YAML file with any {Stage} options (snake_case, as in a pipeline); flags override it" };
        var workers = new Option<int>("--workers") { Description = "parallel work (default: all cores)", DefaultValueFactory = _ => Environment.ProcessorCount };
        var verbose = new Option<bool>("--verbose", "-v") { Description = "log each task" };
        var command = new Command(Stage, Description) { inputs, output, config, workers, verbose };
        foreach (var extra in ExtraOptions)
        {
            command.Options.Add(extra);
        }

        var flags = StageFlags.For(app.Registry.Resolve(Stage, Stage));
        flags.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (Before is not null && await Before(parse) is { } answered)
            {
                return answered;
            }

            var given = parse.GetValue(inputs) ?? [];
            var outputUri = parse.GetValue(output);
            if (given.Length == 0 || outputUri is null)
            {
                throw new UsageException($"{Stage} needs {InputName}... and --out DIR{(Before is null ? string.Empty : $" (or {string.Join(", ", ExtraOptions.Select(option => option.Name))})")}");
            }

            StageFlags.RefuseFlagsAsInputs(command, given);
            var options = flags.Apply(parse, parse.GetValue(config) is { } file ? StageOptionsFile.Load(file) : []);
            options["inputs"] = new JsonArray([.. given.Select(input => JsonValue.Create(input))]);
            var location = new SourceLocation("command line", 1, 1);
            var result = await PipelineExecution.RunStagesAsync(
                app, Stage, [new StageSpec(Stage, options, location), new StageSpec("write", [], location)], outputUri, parse.GetValue(workers), parse.GetValue(verbose), cancellationToken);
            if (result.Manifest is not null && After is not null)
            {
                await After(outputUri, cancellationToken);
            }

            return DataForgeApp.Success;
        });
        return command;
    }
}
