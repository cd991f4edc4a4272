using DataForge.Packing.Layout;

namespace DataForge.Packing.Packing;

/// <summary>Whole documents that share one row of L tokens, in placement order; the rest of the row is padding.</summary>
public sealed record PackedRow(IReadOnlyList<TokenizedDocument> Documents)
{
    public int Tokens => Documents.Sum(document => document.Length);
}
