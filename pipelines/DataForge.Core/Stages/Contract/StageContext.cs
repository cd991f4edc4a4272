using DataForge.Core.Media;
using DataForge.Core.Pipeline;
using DataForge.Core.Rejects;
using DataForge.Core.Storage;
using Microsoft.Extensions.Logging;

namespace DataForge.Core.Stages.Contract;

/// <summary>Everything a stage may touch while it runs one task. Nothing global: tests build one by hand.</summary>
public sealed record StageContext
{
    /// <summary>The stage's name as the pipeline spells it; reject records carry it.</summary>
    public required string StageName { get; init; }

    /// <summary>The stage's position and name (<c>03-pack</c>): unique in the pipeline, names its rejects and reports.</summary>
    public string StageSlot { get; init; } = string.Empty;

    public required int TaskIndex { get; init; }

    public required int TaskCount { get; init; }

    /// <summary>The input files of this task that this stage reads (sources only), in ordinal order of URI.</summary>
    public required IReadOnlyList<InputFile> Inputs { get; init; }

    /// <summary>
    /// Every input file of this stage across all tasks, in ordinal order of URI. A source whose decisions must agree
    /// across tasks (the asr stage's speaker-disjoint splits) reads metadata from all of them; it processes only
    /// <see cref="Inputs"/>.
    /// </summary>
    public IReadOnlyList<InputFile> AllInputs { get; init; } = [];

    /// <summary>Relative local paths in options (a tokenizer file) resolve against this: the pipeline file's folder.</summary>
    public string BaseDirectory { get; init; } = Directory.GetCurrentDirectory();

    /// <summary>Environment variables (secrets such as API keys are read through this, never from options).</summary>
    public Func<string, string?> Environment { get; init; } = System.Environment.GetEnvironmentVariable;

    /// <summary>The run's output location.</summary>
    public required IStorage Output { get; init; }

    public required MediaStore Media { get; init; }

    public required IRejectSink Rejects { get; init; }

    /// <summary>Files that sinks published in this task; the task report lists them.</summary>
    public required TaskOutputs Outputs { get; init; }

    public required RunCounters Counters { get; init; }

    /// <summary>A local folder for this task's temporary files, removed when the task ends.</summary>
    public required string ScratchDirectory { get; init; }

    /// <summary>Degree of parallelism for per-sample work.</summary>
    public int Workers { get; init; } = System.Environment.ProcessorCount;

    /// <summary><c>cpu</c>, or <c>cuda</c> for stages that can use a GPU (pack's tokenizer); output is the same either way.</summary>
    public string Device { get; init; } = "cpu";

    public required ILogger Logger { get; init; }

    /// <summary>The clock for deadlines, backoff and timings, so tests can control time (CONVENTIONS.md).</summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;

    public CancellationToken CancellationToken { get; init; }
}
