namespace DataForge.Training.Media;

/// <summary>
/// One image's encoder input: 14-px patches of the image resized to its token grid (rows × columns of 28 px), each
/// patch 3·14·14 values in [-1, 1], ordered so every 2×2 group that merges into one token is contiguous; and the flat
/// batch positions (b·L + i) of its placeholder tokens, in grid order.
/// </summary>
public sealed record ImageInput(float[] Patches, int Rows, int Columns, long[] Positions)
{
    public const int Patch = 14;
    public const int PatchValues = 3 * Patch * Patch;
}

/// <summary>One recording's encoder input: log-mel frames [frames, 80] and the positions of its placeholder tokens.</summary>
public sealed record AudioInput(float[] Mel, int Frames, long[] Positions);
