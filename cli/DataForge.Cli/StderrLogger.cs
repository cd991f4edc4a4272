using Microsoft.Extensions.Logging;

namespace DataForge.Cli;

/// <summary>Log lines to stderr: warnings always, information with --verbose.</summary>
internal sealed class StderrLogger(TextWriter stderr, bool verbose) : ILogger
{
    private readonly Lock _gate = new();

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= (verbose ? LogLevel.Information : LogLevel.Warning);

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (!IsEnabled(logLevel))
        {
            return;
        }

        lock (_gate)
        {
            stderr.WriteLine($"{(logLevel >= LogLevel.Warning ? "warning: " : string.Empty)}{formatter(state, exception)}");
        }
    }
}
