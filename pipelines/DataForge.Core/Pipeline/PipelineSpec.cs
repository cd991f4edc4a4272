using System.Text.Json.Nodes;
using DataForge.Core.Stages.Contract;

namespace DataForge.Core.Pipeline;

/// <summary>Where a thing was written in a pipeline file, for error messages.</summary>
public sealed record SourceLocation(string File, long Line, long Column)
{
    public override string ToString() => $"{File}:{Line}:{Column}";
}

/// <summary>One stage as the pipeline file names it, with its options as JSON (validated by the stage's options record).</summary>
public sealed record StageSpec(string Name, JsonObject Options, SourceLocation Location);

/// <summary>A parsed pipeline file (schemas/pipeline.schema.json).</summary>
/// <param name="BaseDirectory">Relative local paths in the file are relative to this folder (the file's own).</param>
public sealed record PipelineSpec(
    string Name,
    IReadOnlyList<string> Inputs,
    string Output,
    IReadOnlyList<StageSpec> Stages,
    int Tasks,
    string BaseDirectory)
{
    /// <summary>Kubernetes' limit on an indexed job's completions; far past any Slurm array.</summary>
    public const int MaxTasks = 100_000;

    /// <summary>Parallel work inside one process; beyond this a machine has no cores to match.</summary>
    public const int MaxWorkers = 1024;
}
