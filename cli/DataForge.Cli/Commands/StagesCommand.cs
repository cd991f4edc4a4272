using System.CommandLine;
using DataForge.Core;
using DataForge.Core.Stages.Contract;

namespace DataForge.Cli.Commands;

/// <summary><c>dataforge stages [NAME]</c>: the stages a pipeline file may name, or one stage's options and reject reasons.</summary>
public static class StagesCommand
{
    public static Command Create(CliContext app)
    {
        var name = new Argument<string?>("NAME") { Description = "a stage: print its options (type, default, description) and reject reasons", Arity = ArgumentArity.ZeroOrOne };
        var command = new Command("stages", "list the stages a pipeline file may name, or describe one") { name };
        command.SetAction(async (parse, _) =>
        {
            if (parse.GetValue(name) is { } stage)
            {
                await app.Stdout.WriteAsync(StageReference.Text(app.Registry.Resolve(stage, "dataforge stages")));
                return DataForgeApp.Success;
            }

            foreach (var definition in app.Registry.Definitions)
            {
                await app.Stdout.WriteLineAsync($"{definition.Name,-14} {definition.Summary}");
            }

            await app.Stdout.WriteLineAsync("('dataforge stages NAME' for a stage's options and reject reasons)");
            return DataForgeApp.Success;
        });
        return command;
    }
}
