using System.Runtime.InteropServices;

namespace DataForge.Cli;

/// <summary>
/// SIGINT (Ctrl-C) and SIGTERM (Slurm preemption, Kubernetes eviction, `kill`) as a clean stop (issue 22). The first
/// signal requests the stop: commands that stop at a boundary of their own (train, between optimizer steps) watch
/// <see cref="Requested"/> and finish the unit in flight; for every other command it also cancels <see cref="Abort"/>,
/// and the pipelines abandon their units in flight atomically (nothing half-written is published). A second signal
/// always aborts. The process then exits 128 + the signal's number (130, 143), as shells report a signalled job, after
/// one line saying what was kept and how to resume.
/// </summary>
public sealed class StopSignals : IDisposable
{
    private readonly CancellationTokenSource _requested = new();
    private readonly CancellationTokenSource _abort = new();
    private readonly List<PosixSignalRegistration> _registrations = [];
    private int _signals;

    public StopSignals()
    {
        foreach (var signal in new[] { PosixSignal.SIGINT, PosixSignal.SIGTERM })
        {
            _registrations.Add(PosixSignalRegistration.Create(signal, context =>
            {
                context.Cancel = true; // not the runtime's default termination: the command winds down itself
                Receive(context.Signal == PosixSignal.SIGTERM ? "SIGTERM" : "SIGINT");
            }));
        }
    }

    /// <summary>Cancelled at the first signal: stop at the next boundary.</summary>
    public CancellationToken Requested => _requested.Token;

    /// <summary>Cancelled at the first signal unless the command stops at its own boundaries, else at the second.</summary>
    public CancellationToken Abort => _abort.Token;

    /// <summary>The signal that stopped the command, or null.</summary>
    public string? Signal { get; private set; }

    /// <summary>Set by a command that stops between units of its own (train), before it starts.</summary>
    public bool StopsAtBoundary { get; set; }

    /// <summary>What the command kept and how to resume, for the closing line; a generic one when null.</summary>
    public string? Kept { get; set; }

    public int ExitCode => Signal == "SIGTERM" ? 143 : 130;

    /// <summary>The stop as if the signal had arrived (tests, and the handler).</summary>
    public void Receive(string signal)
    {
        if (Interlocked.Increment(ref _signals) == 1)
        {
            Signal = signal;
            _requested.Cancel();
            if (!StopsAtBoundary)
            {
                _abort.Cancel();
            }
        }
        else
        {
            _abort.Cancel();
        }
    }

    public void Dispose()
    {
        foreach (var registration in _registrations)
        {
            registration.Dispose();
        }

        _requested.Dispose();
        _abort.Dispose();
    }
}
