using System.Globalization;
using DataForge.Core;
using DataForge.Core.Hashing;

namespace DataForge.Packing.Mixing;

/// <summary>
/// What each source gives (schemas/mixture.md): its quota is its target share of the total, in the weights' unit; a
/// quota of q over a source of A gives floor(q / A) whole passes over the source (repeats, documents whole) and then a
/// seeded subsample of the remainder: units ordered by a hash of (seed, source name, unit) and taken until the
/// remainder is reached, then read in the source's own order.
/// </summary>
public sealed record SourcePlan(long Available, long Quota, int FullEpochs, bool[]? Partial)
{
    /// <summary>Whether unit <paramref name="unit"/> is read in pass <paramref name="epoch"/> (0-based).</summary>
    public bool Takes(int epoch, int unit) => epoch < FullEpochs || (epoch == FullEpochs && Partial is not null && Partial[unit]);

    public int Passes => FullEpochs + (Partial is null ? 0 : 1);
}

public static class MixturePlan
{
    /// <summary>Whole passes over one source a mixture may take: far past any recipe, and below int overflow.</summary>
    public const int MaxPasses = 1_000_000;

    public static IReadOnlyList<SourcePlan> Compute(MixOptions options, IReadOnlyList<MixSource> sources, IReadOnlyList<SourceUnits> units)
    {
        var unit = options.BySamples ? "documents" : "tokens";
        var available = units.Select(source => source.Total(options.BySamples)).ToArray();
        for (var s = 0; s < sources.Count; s++)
        {
            if (available[s] == 0)
            {
                throw new DataForgeException($"{sources[s].Label} holds no {unit} to mix (every sample rejected or of another split); see rejects/");
            }
        }

        double total;
        if (options.TotalTokens is null && options.TotalRows is null)
        {
            // The most the sources give at these shares: the first source to reach its max_epochs decides.
            total = Enumerable.Range(0, sources.Count).Min(s => Math.Floor(available[s] * sources[s].Spec.MaxEpochs) / sources[s].Share);
        }
        else
        {
            var tokens = options.TotalTokens ?? (options.TotalRows!.Value * options.SeqLen);
            // With weights by documents, a token total becomes documents through each source's mean document length.
            total = options.BySamples
                ? tokens / Enumerable.Range(0, sources.Count).Sum(s => sources[s].Share * units[s].TotalTokens / (double)units[s].TotalDocuments)
                : tokens;
        }

        var plans = new List<SourcePlan>();
        var problems = new List<string>();
        for (var s = 0; s < sources.Count; s++)
        {
            var source = sources[s];
            var quota = Saturated(Math.Round(source.Share * total, MidpointRounding.ToEven));
            var most = Saturated(Math.Floor(available[s] * source.Spec.MaxEpochs));
            if (quota > most)
            {
                var needed = Math.Ceiling(quota * 100.0 / available[s]) / 100;
                problems.Add(string.Create(CultureInfo.InvariantCulture, $"{source.Label}: its share {source.Share:P1} of {total:N0} {unit} is {quota:N0}, but it holds {available[s]:N0} and max_epochs {source.Spec.MaxEpochs} allows {most:N0}; set max_epochs: {needed} or lower its weight or the total"));
                continue;
            }

            plans.Add(Select(options.Seed, source.Spec.Name, units[s], options.BySamples, available[s], Math.Max(1, quota)));
        }

        return problems.Count > 0 ? throw new UsageException($"the sources cannot give this mixture: {string.Join("; ", problems)}") : plans;
    }

    /// <summary>A count as a long, at most long.MaxValue (a max_epochs of 1e300 is a request for "as many as it takes").</summary>
    private static long Saturated(double count) => count >= long.MaxValue ? long.MaxValue : (long)count;

    private static SourcePlan Select(long seed, string name, SourceUnits units, bool bySamples, long available, long quota)
    {
        if (quota / available > MaxPasses)
        {
            throw new UsageException(string.Create(CultureInfo.InvariantCulture, $"source '{name}': its quota of {quota:N0} would read its {available:N0} units {quota / available:N0} times; at most {MaxPasses:N0} passes (lower max_epochs or the total)"));
        }

        var full = (int)(quota / available);
        var remainder = quota - (full * available);
        if (remainder == 0)
        {
            return new SourcePlan(available, quota, full, null);
        }

        var count = units.Tokens.Length;
        var keys = new ulong[count];
        var order = new int[count];
        for (var unit = 0; unit < count; unit++)
        {
            keys[unit] = Hashes.XxHash64($"{seed}\u0000{name}\u0000{unit}");
            order[unit] = unit;
        }

        Array.Sort(keys, order);
        var partial = new bool[count];
        long taken = 0;
        foreach (var unit in order)
        {
            if (taken >= remainder)
            {
                break;
            }

            // A unit that would overshoot the remainder by more than the gap it closes is passed over for later ones.
            var size = units.SizeOf(unit, bySamples);
            if (size > 0 && taken + size - remainder <= remainder - taken)
            {
                partial[unit] = true;
                taken += size;
            }
        }

        return new SourcePlan(available, quota, full, partial);
    }
}
