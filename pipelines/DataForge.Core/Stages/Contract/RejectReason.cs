namespace DataForge.Core.Stages.Contract;

/// <summary>
/// A reject reason, declared once in its project's catalogue (<c>CoreRejectReasons</c>, <c>InterleaveRejectReasons</c>,
/// …): a stable code <c>area.problem</c> that reject files and manifests carry, and its meaning in one line.
/// schemas/reject-codes.md is generated from the registry's stages and the reasons they declare.
/// </summary>
public sealed record RejectReason(string Code, string Meaning)
{
    /// <summary>Reasons go wherever a code is written (a reject sink, a result record) as their code.</summary>
    public static implicit operator string(RejectReason reason) => reason.Code;

    public override string ToString() => Code;
}
