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

    /// <summary>Seconds between plain progress lines when stderr is not a terminal (default 5).</summary>
    public const string IntervalVariable = "DATAFORGE_PROGRESS_SECONDS";

    public static async Task<T> RunAsync<T>(RunCounters counters, TextWriter stderr, Func<Task<T>> work, Func<string, string?>? environment = null)
    {
        var interval = environment?.Invoke(IntervalVariable) is { } text && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var every) && every > 0
            ? TimeSpan.FromSeconds(every)
            : PlainInterval;
        var clock = System.Diagnostics.Stopwatch.StartNew();
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
                        bar.Description = Describe(counters, clock.Elapsed, withEta: false);
                    }

                    return await running;
                });
        }

        var task = work();
        while (await Task.WhenAny(task, Task.Delay(interval)) != task)
        {
            await stderr.WriteLineAsync(Describe(counters, clock.Elapsed, withEta: true));
        }

        return await task;
    }

    /// <summary>
    /// Tasks, input bytes read of the plan with MB/s (and on plain lines the ETA: the bar has its own column), documents
    /// read per second, what was written (samples, or packed rows and tokens/s), rejects.
    /// </summary>
    internal static string Describe(RunCounters counters, TimeSpan elapsed, bool withEta)
    {
        var seconds = Math.Max(1e-3, elapsed.TotalSeconds);
        var read = counters.InputBytesRead;
        var planned = Math.Max(read, counters.InputBytesPlanned);
        var rate = read / seconds;
        var eta = withEta && rate > 0 && planned > read ? $"  eta {DataForge.Core.Durations.Format(TimeSpan.FromSeconds((planned - read) / rate))}" : string.Empty;
        var written = counters.RowsWritten > 0
            ? string.Create(CultureInfo.InvariantCulture, $"rows {counters.RowsWritten:N0} ({counters.TokensWritten / seconds / 1e6:0.00} M tokens/s)")
            : string.Create(CultureInfo.InvariantCulture, $"written {counters.SamplesWritten:N0}");
        return string.Create(
            CultureInfo.InvariantCulture,
            $"tasks {counters.TasksDone + counters.TasksSkipped}/{counters.TasksPlanned}  {read / 1e6:N0}/{planned / 1e6:N0} MB ({rate / 1e6:0.0} MB/s){eta}  read {counters.SamplesRead:N0} ({counters.SamplesRead / seconds:N0}/s)  {written}  rejects {counters.Rejects:N0}");
    }
}
