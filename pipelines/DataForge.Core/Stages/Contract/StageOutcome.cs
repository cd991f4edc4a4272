using DataForge.Core.Model;

namespace DataForge.Core.Stages.Contract;

/// <summary>A refused input: which one (a sample id, or a file or record such as <c>file#line</c>), why (a catalogued code) and what to do about it.</summary>
public sealed record Rejection(string Input, string Reason, string Message);

/// <summary>
/// What one unit of a stage's work came to (a record, a file, an image, a recording): the samples to pass on, in
/// order, the inputs it refused, and counters for the manifest's stage_stats. The one result shape of every stage.
/// </summary>
public sealed record StageOutcome
{
    public static StageOutcome Nothing { get; } = new();

    public IReadOnlyList<Sample> Samples { get; init; } = [];

    public IReadOnlyList<Rejection> Rejections { get; init; } = [];

    /// <summary>Counter increments (name, amount) for the stage's stats.</summary>
    public IReadOnlyList<KeyValuePair<string, long>> Counters { get; init; } = [];

    public static StageOutcome Of(Sample sample) => new() { Samples = [sample] };

    public static StageOutcome Of(IReadOnlyList<Sample> samples) => new() { Samples = samples };

    public static StageOutcome Reject(string input, string reason, string message) => new() { Rejections = [new Rejection(input, reason, message)] };
}
