using static TorchSharp.torch;

namespace DataForge.Training.Data;

/// <summary>Documents padded to one length for one attention call: gather indexes into the batch's flat tokens.</summary>
/// <param name="Length">the padded length (a power of two)</param>
/// <param name="Documents">how many documents</param>
/// <param name="Gather">[Documents · Length] flat token indexes; a padding slot repeats its document's first token</param>
public sealed record AttentionBucket(int Length, int Documents, Tensor Gather);

/// <summary>
/// Per-document variable-length attention without an L×L mask. The documents of a batch (from each row's cu_seqlens)
/// are grouped by length into buckets of power-of-two sizes, each bucket is one [documents, length] batch for
/// scaled-dot-product attention with a plain causal mask (PyTorch's flash kernel on CUDA), and <see cref="Scatter"/>
/// puts every token's output back in place. Documents never see each other by construction; right-padding inside a
/// bucket is invisible to real queries (causality), and a row's tail of padding tokens gets zeros. Built on the CPU
/// with the batch, so the model needs no host synchronisation for it. Cost is at most twice the per-document ideal
/// (padding to the next power of two) and never more than one full causal L×L per row.
/// </summary>
public sealed class AttentionLayout : IDisposable
{
    public const int MinimumBucket = 16;

    private AttentionLayout(IReadOnlyList<AttentionBucket> buckets, Tensor scatter, long attentionPairs)
    {
        (Buckets, Scatter, AttentionPairs) = (buckets, scatter, attentionPairs);
    }

    public IReadOnlyList<AttentionBucket> Buckets { get; }

    /// <summary>[B · L]: each token's row in the concatenation of the buckets' flattened outputs plus one zero row (the last).</summary>
    public Tensor Scatter { get; }

    /// <summary>Σ over documents of n(n+1)/2: the (query, key) pairs causal attention really needs (for FLOP counts).</summary>
    public long AttentionPairs { get; }

    public static AttentionLayout From(IReadOnlyList<int[]> cuSeqlensPerRow, int length)
    {
        var documents = new List<(long Start, int Length)>();
        for (var row = 0; row < cuSeqlensPerRow.Count; row++)
        {
            var cu = cuSeqlensPerRow[row];
            for (var d = 0; d + 1 < cu.Length; d++)
            {
                if (cu[d + 1] > cu[d])
                {
                    documents.Add(((long)row * length + cu[d], cu[d + 1] - cu[d]));
                }
            }
        }

        var total = (long)cuSeqlensPerRow.Count * length;
        var scatter = new long[total];
        var buckets = new List<AttentionBucket>();
        long pairs = 0, rowsBefore = 0;
        foreach (var group in documents.GroupBy(document => BucketLength(document.Length)).OrderBy(group => group.Key))
        {
            var bucketLength = group.Key;
            var members = group.ToList();
            var gather = new long[members.Count * bucketLength];
            for (var d = 0; d < members.Count; d++)
            {
                var (start, count) = members[d];
                pairs += (long)count * (count + 1) / 2;
                for (var j = 0; j < bucketLength; j++)
                {
                    gather[(d * bucketLength) + j] = j < count ? start + j : start;
                }

                for (var j = 0; j < count; j++)
                {
                    scatter[start + j] = rowsBefore + ((long)d * bucketLength) + j;
                }
            }

            buckets.Add(new AttentionBucket(bucketLength, members.Count, tensor(gather)));
            rowsBefore += gather.Length;
        }

        var covered = new bool[total];
        foreach (var (start, count) in documents)
        {
            covered.AsSpan((int)start, count).Fill(true);
        }

        for (var i = 0; i < total; i++)
        {
            if (!covered[i])
            {
                scatter[i] = rowsBefore;
            }
        }

        return new AttentionLayout(buckets, tensor(scatter), pairs);
    }

    /// <summary>The smallest power of two at least <paramref name="length"/> (and at least <see cref="MinimumBucket"/>).</summary>
    public static int BucketLength(int length)
    {
        var bucket = MinimumBucket;
        while (bucket < length)
        {
            bucket *= 2;
        }

        return bucket;
    }

    public AttentionLayout To(Device device, bool nonBlocking) => new(
        [.. Buckets.Select(bucket => bucket with { Gather = bucket.Gather.to(device, non_blocking: nonBlocking) })],
        Scatter.to(device, non_blocking: nonBlocking),
        AttentionPairs);

    public AttentionLayout Pinned() => new(
        [.. Buckets.Select(bucket => bucket with { Gather = bucket.Gather.pin_memory() })],
        Scatter.pin_memory(),
        AttentionPairs);

    public void Dispose()
    {
        foreach (var bucket in Buckets)
        {
            bucket.Gather.Dispose();
        }

        Scatter.Dispose();
    }
}
