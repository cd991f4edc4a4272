namespace DataForge.Packing.Mixing;

/// <summary>
/// The blending rule of <c>dataforge mix</c> and <c>train --data</c> (schemas/mixture.md): the next unit comes from the
/// open source furthest behind its share, the least given / share, ties to the earlier source; Megatron-LM's
/// BlendedDataset picks samples by the same greatest-deficit rule. A rule of counts only, so blends never depend on timing.
/// </summary>
public static class GreatestDeficit
{
    /// <returns>the source to take from next, or -1 when none is open</returns>
    public static int Next(ReadOnlySpan<double> given, ReadOnlySpan<double> shares, ReadOnlySpan<bool> open)
    {
        var next = -1;
        for (var s = 0; s < given.Length; s++)
        {
            if (open[s] && (next < 0 || given[s] / shares[s] < given[next] / shares[next]))
            {
                next = s;
            }
        }

        return next;
    }
}
