namespace DataForge.Packing.Layout;

/// <summary>Modality codes of the shard format.</summary>
public static class Modality
{
    public const byte Text = 0;
    public const byte Image = 1;
    public const byte Audio = 2;
    public const byte Padding = 255;
}

/// <summary>
/// One document (or one chunk of a long text document) as tokens, ready to be placed in a row. Labels are the ids
/// themselves where <see cref="Loss"/> is set and -100 elsewhere; positions restart at 0 per document.
/// </summary>
/// <param name="Rope">Qwen2-VL M-RoPE positions (t, h, w) per token: text advances all three together, an image's
/// tokens take its grid coordinates.</param>
public sealed record TokenizedDocument(
    string DocId,
    long Order,
    int[] Ids,
    bool[] Loss,
    byte[] Modality,
    (int T, int H, int W)[] Rope,
    IReadOnlyList<string> Media)
{
    public int Length => Ids.Length;
}
