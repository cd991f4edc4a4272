using System.Globalization;
using DataForge.Core.Pipeline;
using DataForge.Core.Stages.Contract;
using Spectre.Console;

namespace DataForge.Cli;

/// <summary>
/// Shows a run's progress: a live bar on a terminal, a plain line every few seconds when stderr is redirected
/// (logs of batch jobs should not fill with control codes).
/// </summary>
internal static class ProgressDisplay
{
    private static readonly TimeSpan PlainInterval = TimeSpan.FromSeconds(5);

    public static async Task<T> RunAsync<T>(RunCounters counters, TextWriter stderr, Func<Task<T>> work)
    {
        if (!Console.IsErrorRedirected && ReferenceEquals(stderr, Console.Error))
        {
            var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
            return await console.Progress()
                .AutoClear(true)
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
                .StartAsync(async context =>
                {
                    var bar = context.AddTask("starting", maxValue: 1);
                    var running = work();
                    while (await Task.WhenAny(running, Task.Delay(200)) != running)
                    {
                        bar.MaxValue = Math.Max(1, counters.InputBytesPlanned);
                        bar.Value = Math.Min(bar.MaxValue, counters.InputBytesRead);
                        bar.Description = Describe(counters);
                    }

                    return await running;
                });
        }

        var task = work();
        while (await Task.WhenAny(task, Task.Delay(PlainInterval)) != task)
        {
            await stderr.WriteLineAsync(Describe(counters));
        }

        return await task;
    }

    private static string Describe(RunCounters counters) => string.Create(
        CultureInfo.InvariantCulture,
        $"tasks {counters.TasksDone + counters.TasksSkipped}/{counters.TasksPlanned}  read {counters.SamplesRead:N0}  written {counters.SamplesWritten:N0}  rejects {counters.Rejects:N0}");
}
