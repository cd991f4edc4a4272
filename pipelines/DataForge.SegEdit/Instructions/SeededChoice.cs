using DataForge.Core.Hashing;

namespace DataForge.SegEdit.Instructions;

/// <summary>
/// Choices (phrasing, colour, referring relation) made from a hash of the seed and what is being decided, so they
/// are the same whatever the worker count or the order of processing, and change only with the seed.
/// </summary>
public sealed class SeededChoice(long seed)
{
    public int Pick(int count, string what) => Hashes.Bucket($"{seed}|{what}", count);

    public T Pick<T>(IReadOnlyList<T> options, string what) => options[Pick(options.Count, what)];
}
