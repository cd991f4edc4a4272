using System.Text;
using DataForge.Packing.Layout;
using DataForge.Packing.Shards;
using DataForge.Packing.Tokenization;

namespace DataForge.Packing.Inspect;

/// <summary>
/// A run of one packed row's tokens shown as one piece: text of one loss (special tokens as ⟨name⟩), or one image or
/// audio placeholder run with its size or duration and the medium it stands for (schemas/packed-shards.md).
/// </summary>
/// <param name="Frames">a video clip's frames, two per temporal patch (its <see cref="Media"/> is the clip's audio, if interleaved)</param>
public sealed record RowSegment(int Document, byte Modality, bool Loss, int Start, int End, string? Text, int Width, int Height, double Seconds, string? Media, IReadOnlyList<string>? Frames = null);

/// <summary>Cuts a packed row into <see cref="RowSegment"/>s, document by document (cu_seqlens), for decoding and display.</summary>
public static class RowSegments
{
    public static IReadOnlyList<RowSegment> Of(ShardRow row, ShardIndex index, ITextTokenizer tokenizer)
    {
        var segments = new List<RowSegment>();
        var imageEnd = index.Tokenizer.SpecialTokens["<|image_end|>"];
        var audioEnd = index.Tokenizer.SpecialTokens["<|audio_end|>"];
        var audioStart = index.Tokenizer.SpecialTokens["<|audio_start|>"];
        var specialNames = index.Tokenizer.SpecialTokens.ToDictionary(pair => pair.Value, pair => pair.Key);
        var media = 0;
        for (var d = 0; d + 1 < row.CuSeqlens.Length; d++)
        {
            var end = row.CuSeqlens[d + 1];
            var i = row.CuSeqlens[d];
            while (i < end)
            {
                var modality = (byte)row.Modality[i];
                if (modality == Modality.Video)
                {
                    // A clip runs from its image start marker to its image end marker, its audio interleaved inside.
                    var clipEnd = i + 1;
                    while (clipEnd < end && !(row.InputIds[clipEnd] == imageEnd && row.Modality[clipEnd] == Modality.Video))
                    {
                        clipEnd++;
                    }

                    clipEnd = Math.Min(end, clipEnd + 1);
                    segments.Add(Video(d, row, i, clipEnd, index, audioStart, ref media));
                    i = clipEnd;
                    continue;
                }

                var runEnd = i;
                var loss = row.Labels[i] != RowAssembler.IgnoreIndex;
                // A media run ends at its end marker, so adjacent images stay apart; a text run at a change of loss.
                var mediaEnd = modality == Modality.Image ? imageEnd : audioEnd;
                while (runEnd < end && row.Modality[runEnd] == modality && (modality != Modality.Text || (row.Labels[runEnd] != RowAssembler.IgnoreIndex) == loss))
                {
                    runEnd++;
                    if (modality != Modality.Text && row.InputIds[runEnd - 1] == mediaEnd)
                    {
                        break;
                    }
                }

                var medium = modality != Modality.Text && media < row.Media.Length ? row.Media[media++] : null;
                segments.Add(modality switch
                {
                    Modality.Image => Image(d, row, i, runEnd, index.Layout.ImagePatch, medium),
                    Modality.Audio => new RowSegment(d, modality, false, i, runEnd, null, 0, 0, (runEnd - i - 2) / (double)index.Layout.AudioTokensPerSecond, medium),
                    _ => new RowSegment(d, modality, loss, i, runEnd, DecodeText(row.InputIds.AsSpan(i, runEnd - i), tokenizer, specialNames), 0, 0, 0, null),
                });
                i = runEnd;
            }
        }

        return segments;
    }

    private static RowSegment Image(int document, ShardRow row, int start, int end, int patch, string? medium)
    {
        var rows = 0;
        var columns = 0;
        for (var k = start; k < end; k++)
        {
            rows = Math.Max(rows, row.RopeH[k] - row.RopeT[k] + 1);
            columns = Math.Max(columns, row.RopeW[k] - row.RopeT[k] + 1);
        }

        return new RowSegment(document, Modality.Image, false, start, end, null, columns * patch, rows * patch, 0, medium);
    }

    private static RowSegment Video(int document, ShardRow row, int start, int end, ShardIndex index, int audioStart, ref int media)
    {
        var imagePad = index.Tokenizer.SpecialTokens["<|image_pad|>"];
        var audioPad = index.Tokenizer.SpecialTokens["<|audio_pad|>"];
        int rows = 0, columns = 0, gridTokens = 0, audioTokens = 0;
        var hasAudio = false;
        // The first grid token sits at (base + t, base, base): base is its h.
        var origin = -1;
        for (var k = start; k < end; k++)
        {
            var id = row.InputIds[k];
            hasAudio |= id == audioStart;
            if (id == imagePad && row.Modality[k] == Modality.Video)
            {
                origin = origin < 0 ? row.RopeH[k] : origin;
                gridTokens++;
                rows = Math.Max(rows, row.RopeH[k] - origin + 1);
                columns = Math.Max(columns, row.RopeW[k] - origin + 1);
            }
            else if (id == audioPad && row.Modality[k] == Modality.Audio)
            {
                audioTokens++;
            }
        }

        var patches = rows * columns == 0 ? 0 : gridTokens / (rows * columns);
        var frames = new List<string>();
        for (var f = 0; f < patches * 2 && media < row.Media.Length; f++)
        {
            frames.Add(row.Media[media++]);
        }

        var audio = hasAudio && media < row.Media.Length ? row.Media[media++] : null;
        return new RowSegment(document, Modality.Video, false, start, end, null, columns * index.Layout.ImagePatch, rows * index.Layout.ImagePatch, audioTokens / (double)index.Layout.AudioTokensPerSecond, audio, frames);
    }

    /// <summary>Text with real special tokens shown as ⟨name⟩, so they cannot be mistaken for text that merely spells them.</summary>
    private static string DecodeText(ReadOnlySpan<int> ids, ITextTokenizer tokenizer, Dictionary<int, string> specialNames)
    {
        var text = new StringBuilder();
        var start = 0;
        for (var i = 0; i <= ids.Length; i++)
        {
            if (i < ids.Length && !specialNames.ContainsKey(ids[i]))
            {
                continue;
            }

            text.Append(Encoding.UTF8.GetString(tokenizer.DecodeBytes(ids[start..i])));
            if (i < ids.Length)
            {
                text.Append('⟨').Append(specialNames[ids[i]].Trim('<', '>', '|')).Append('⟩');
            }

            start = i + 1;
        }

        return text.ToString();
    }
}
