using System.CommandLine;

namespace DataForge.Cli.Commands;

/// <summary><c>dataforge stages</c>: the stage names a pipeline file may use.</summary>
public static class StagesCommand
{
    public static Command Create(CliContext app)
    {
        var command = new Command("stages", "list the stages a pipeline file may name");
        command.SetAction(async (_, _) =>
        {
            foreach (var definition in app.Registry.Definitions)
            {
                await app.Stdout.WriteLineAsync($"{definition.Name,-14} {definition.Summary}");
            }

            return DataForgeApp.Success;
        });
        return command;
    }
}
