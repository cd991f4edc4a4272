namespace DataForge.Core.Rejects;

/// <summary>Where a stage sends what it refuses. Called in input order, so reject files are deterministic.</summary>
public interface IRejectSink
{
    /// <param name="input">The sample id, or the input file or record that never became a sample.</param>
    /// <param name="reason">A short stable code, <c>area.problem</c>.</param>
    /// <param name="message">What a person needs to know to fix it.</param>
    ValueTask RejectAsync(string input, string reason, string message, CancellationToken cancellationToken = default);
}
