namespace DataForge.Packing.Layout;

/// <summary>Modality codes of the shard format.</summary>
public static class Modality
{
    public const byte Text = 0;
    public const byte Image = 1;
    public const byte Audio = 2;

    /// <summary>A video frame grid's tokens and the clip's start and end markers (the ids are image placeholders).</summary>
    public const byte Video = 3;
    public const byte Padding = 255;
}

/// <summary>
/// One document (or one chunk of a long text document) as tokens, ready to be placed in a row. Labels are the ids
/// themselves where <see cref="Loss"/> is set and -100 elsewhere; positions restart at 0 per document.
/// </summary>
/// <param name="Order">The sample's position in the input; with <paramref name="Chunk"/> it orders documents totally.</param>
/// <param name="Chunk">0, or the chunk number of a long text document cut into several.</param>
/// <param name="Rope">Qwen2-VL M-RoPE positions (t, h, w) per token when the document has an image (its tokens take
/// grid coordinates); null when every token's position is simply (i, i, i), which saves 12 bytes a token in the
/// packing window.</param>
public sealed record TokenizedDocument(
    string DocId,
    long Order,
    int Chunk,
    int[] Ids,
    bool[] Loss,
    byte[] Modality,
    (int T, int H, int W)[]? Rope,
    IReadOnlyList<string> Media)
{
    public int Length => Ids.Length;

    public (int T, int H, int W) RopeAt(int index) => Rope is null ? (index, index, index) : Rope[index];
}
