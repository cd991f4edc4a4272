using System.CommandLine;
using DataForge.Captions;
using DataForge.Cli.Commands;
using DataForge.Core;
using DataForge.Core.Pipeline;
using DataForge.Core.Stages;
using DataForge.Core.Stages.Contract;
using DataForge.Interleaved;
using DataForge.Packing;
using DataForge.SegEdit;
using DataForge.Speech;

namespace DataForge.Cli;

/// <summary>
/// The command tree and the one place exceptions become exit codes (DESIGN.md §6): 0 success, 1 failure,
/// 2 usage error. A user's mistake is one line on stderr; only a bug shows a stack trace.
/// </summary>
public static partial class DataForgeApp
{
    public const int Success = 0;
    public const int Failure = 1;
    public const int Usage = 2;

    /// <summary>A one-line message for failures of the environment rather than of DataForge; null for anything else.</summary>
    private static string? EnvironmentFailure(Exception e) => e switch
    {
        AggregateException aggregate when aggregate.InnerExceptions.Count > 0 && aggregate.InnerExceptions.All(inner => EnvironmentFailure(inner) is not null)
            => $"{EnvironmentFailure(aggregate.InnerExceptions[^1])} (after {aggregate.InnerExceptions.Count} attempts)",
        Azure.RequestFailedException azure => $"storage request failed: {azure.Message.Split('\n')[0]}",
        Azure.Identity.AuthenticationFailedException auth => $"Azure sign-in failed: {auth.Message.Split('\n')[0]}",
        HttpRequestException http => $"network: {http.Message}",
        UnauthorizedAccessException denied => $"permission denied: {denied.Message}",
        IOException io => $"I/O: {io.Message}",
        _ => null,
    };

    /// <summary>The command-line parser's messages name .NET types (<c>System.Nullable`1[System.Int32]</c>); users read words.</summary>
    internal static string InWords(string message) => TypeName().Replace(message.Replace("as expected type ", "as ", StringComparison.Ordinal), match => match.Groups["type"].Value switch
    {
        "Int32" or "Int64" or "Int16" or "UInt32" or "UInt64" => "an integer",
        "Double" or "Single" or "Decimal" => "a number",
        "Boolean" => "true or false",
        "String" => "text",
        "IO.FileInfo" or "IO.DirectoryInfo" => "a path",
        _ => "a value",
    });

    [System.Text.RegularExpressions.GeneratedRegex(@"'?System\.(?:Nullable`1\[System\.)?(?<type>[A-Za-z0-9.]+?)\]?(?:\[\])?'?(?=[\s.,;:]|$)")]
    private static partial System.Text.RegularExpressions.Regex TypeName();

    public static StageRegistry Registry() => new([.. CoreStages.All, InterleaveStage.Definition, CaptionStage.Definition, Seg2EditStage.Definition, AsrStage.Definition, DataForge.Video.ReadVideoStage.Definition, PackStage.Definition, DataForge.Packing.Mixing.MixStage.Definition]);

    private static async Task<int> StoppedAsync(StopSignals stop, TextWriter stderr)
    {
        await stderr.WriteLineAsync($"stopped by {stop.Signal}: {stop.Kept ?? "finished tasks and files are kept; units in flight were abandoned, nothing half-written is visible; rerun the same command to resume"}");
        return stop.ExitCode;
    }

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, Func<string, string?> environment)
    {
        using var stop = new StopSignals();
        var app = new CliContext(stdout, stderr, environment, Registry()) { Stop = stop };
        var root = new RootCommand("DataForge: multimodal raw material in, tokenized and packed training shards out.")
        {
            RunCommand.Create(app),
            StatusCommand.Create(app),
            InterleaveCommand.Create(app),
            CaptionCommand.Create(app),
            Seg2EditCommand.Create(app),
            AsrCommand.Create(app),
            PackCommand.Create(app),
            MixCommand.Create(app),
            TrainCommand.Create(app),
            DoctorCommand.Create(app),
            ExportCommand.Create(app),
            InspectCommand.Create(app),
            StagesCommand.Create(app),
        };
        foreach (var reader in ReaderCommands.Create(app))
        {
            root.Subcommands.Add(reader);
        }

        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (var error in parsed.Errors)
            {
                await stderr.WriteLineAsync($"error: {InWords(error.Message)}");
            }

            await stderr.WriteLineAsync("run 'dataforge --help' for usage");
            return Usage;
        }

        try
        {
            var code = await parsed.InvokeAsync(new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = null /* StopSignals owns SIGINT and SIGTERM */ }, stop.Abort);
            if (stop.Signal is not null && stop.Kept is not null)
            {
                // The command stopped at a boundary of its own and said what it kept.
                return await StoppedAsync(stop, stderr);
            }

            return code;
        }
        catch (Exception) when (stop.Signal is not null)
        {
            // Whatever a stopping run throws while it unwinds (cancellations, disposed channels) is the stop, not a bug.
            return await StoppedAsync(stop, stderr);
        }
        catch (UsageException e)
        {
            await stderr.WriteLineAsync($"error: {e.Message}");
            return Usage;
        }
        catch (DataForgeException e)
        {
            await stderr.WriteLineAsync($"error: {e.Message}");
            return Failure;
        }
        catch (Exception e) when (EnvironmentFailure(e) is { } message)
        {
            // The machine or the network failed (disk full, permission denied, storage unreachable): not a bug.
            await stderr.WriteLineAsync($"error: {message}");
            return Failure;
        }
        catch (Exception e)
        {
            // Not a user mistake: a bug. Show everything needed to report it.
            await stderr.WriteLineAsync($"internal error (please report): {e}");
            return Failure;
        }
    }
}

/// <summary>What every command needs from the process, passed in so tests can run the CLI in-process.</summary>
public sealed record CliContext(TextWriter Stdout, TextWriter Stderr, Func<string, string?> Environment, StageRegistry Registry)
{
    /// <summary>SIGINT / SIGTERM (null in-process, where the host owns the signals).</summary>
    public StopSignals? Stop { get; init; }
}
