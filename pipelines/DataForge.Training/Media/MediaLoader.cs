using System.Collections.Concurrent;
using DataForge.Core;
using DataForge.Core.Media;
using DataForge.Core.Storage;
using DataForge.Packing.Shards;
using DataForge.Speech.Audio;
using SkiaSharp;

namespace DataForge.Training.Media;

/// <summary>
/// Finds the media a packed row names (by sha256 in the sample set's content-addressed <c>media/</c>) and turns each
/// placeholder run into encoder input: the <c>&lt;|image_pad|&gt;</c> run of an image (its grid read back from the rows'
/// h and w rotary positions) and the <c>&lt;|audio_pad|&gt;</c> run of a recording, paired with the row's media list in
/// order. A missing or undecodable media object is an error naming it: training on placeholders without their
/// pixels would silently be another experiment.
/// </summary>
/// A video clip (modality 3, schemas/packed-shards.md) is read from its first grid token to its image end marker: each
/// temporal patch's grid takes the next two frames of the media list, the two frames' patches averaged (a temporal
/// patch embedding with equal weights for Qwen2-VL's 2-frame kernel), at the patch's own t position; the clip's
/// interleaved audio tokens, in every chunk, are one recording (the media entry after the frames).
public sealed class MediaLoader(IStorage sampleSet, int imagePadId, int audioPadId, string scratchDirectory, int imageEndId = -1)
{
    private readonly ConcurrentDictionary<string, string> _paths = new(StringComparer.Ordinal);

    public static MediaLoader? For(IStorage? sampleSet, ShardIndex index, string scratchDirectory) =>
        sampleSet is not null
        && index.Tokenizer.SpecialTokens.TryGetValue("<|image_pad|>", out var image)
        && index.Tokenizer.SpecialTokens.TryGetValue("<|audio_pad|>", out var audio)
            ? new MediaLoader(sampleSet, image, audio, scratchDirectory, index.Tokenizer.SpecialTokens.GetValueOrDefault("<|image_end|>", -1))
            : null;

    public (List<ImageInput> Images, List<AudioInput> Audio) Load(ShardRow row, long rowOffset)
    {
        var images = new List<ImageInput>();
        var audio = new List<AudioInput>();
        var media = 0;
        for (var i = 0; i < row.InputIds.Length;)
        {
            var id = row.InputIds[i];
            if (id != imagePadId && id != audioPadId)
            {
                i++;
                continue;
            }

            if (id == imagePadId && row.Modality[i] == DataForge.Packing.Layout.Modality.Video)
            {
                i = LoadClip(row, rowOffset, i, ref media, images, audio);
                continue;
            }

            var start = i;
            while (i < row.InputIds.Length && row.InputIds[i] == id)
            {
                i++;
            }

            if (media >= row.Media.Length)
            {
                throw new DataForgeException($"a row holds more placeholder runs than media ({row.Media.Length}) in its media column");
            }

            var sha = row.Media[media++];
            var positions = Enumerable.Range(start, i - start).Select(p => rowOffset + p).ToArray();
            if (id == imagePadId)
            {
                int rows = row.RopeH[start..i].Max() - row.RopeH[start..i].Min() + 1, columns = row.RopeW[start..i].Max() - row.RopeW[start..i].Min() + 1;
                if (rows * columns != i - start)
                {
                    throw new DataForgeException($"image {sha}: {i - start} placeholders do not form the {rows}×{columns} grid their positions say");
                }

                images.Add(new ImageInput(Patches(Bytes(sha), rows, columns, sha), rows, columns, positions));
            }
            else
            {
                var (mel, frames) = LogMel.Compute(Samples(sha));
                audio.Add(new AudioInput(mel, frames, positions));
            }
        }

        return (images, audio);
    }

    /// <summary>One clip from its first grid token; returns the index after its end marker.</summary>
    private int LoadClip(ShardRow row, long rowOffset, int first, ref int media, List<ImageInput> images, List<AudioInput> audio)
    {
        if (imageEndId < 0)
        {
            throw new DataForgeException("the shards hold video tokens but their tokenizer names no <|image_end|>");
        }

        var grid = new List<int>();
        var sound = new List<long>();
        var i = first;
        for (; i < row.InputIds.Length && !(row.InputIds[i] == imageEndId && row.Modality[i] == DataForge.Packing.Layout.Modality.Video); i++)
        {
            if (row.InputIds[i] == imagePadId)
            {
                grid.Add(i);
            }
            else if (row.InputIds[i] == audioPadId)
            {
                sound.Add(rowOffset + i);
            }
        }

        // Each patch is a full grid at one t; the first patch's h and w spans give its size (its base is its h minimum).
        var baseH = row.RopeH[grid[0]];
        int rows = grid.Max(k => row.RopeH[k]) - baseH + 1, columns = grid.Max(k => row.RopeW[k]) - row.RopeW[grid[0]] + 1;
        if (grid.Count % (rows * columns) != 0)
        {
            throw new DataForgeException($"a video clip's {grid.Count} grid tokens are not whole {rows}x{columns} patches");
        }

        for (var p = 0; p < grid.Count; p += rows * columns)
        {
            if (media + 2 > row.Media.Length)
            {
                throw new DataForgeException($"a row's video patches need more frames than its media column holds ({row.Media.Length})");
            }

            var (a, b) = (row.Media[media++], row.Media[media++]);
            var patches = Patches(Bytes(a), rows, columns, a);
            if (b != a)
            {
                var second = Patches(Bytes(b), rows, columns, b);
                for (var k = 0; k < patches.Length; k++)
                {
                    patches[k] = (patches[k] + second[k]) / 2;
                }
            }

            images.Add(new ImageInput(patches, rows, columns, [.. grid.Skip(p).Take(rows * columns).Select(k => rowOffset + k)]));
        }

        if (sound.Count > 0)
        {
            if (media >= row.Media.Length)
            {
                throw new DataForgeException("a video clip's audio tokens have no recording in the row's media column");
            }

            var (mel, frames) = LogMel.Compute(Samples(row.Media[media++]));
            audio.Add(new AudioInput(mel, frames, [.. sound]));
        }

        return Math.Min(row.InputIds.Length, i + 1);
    }

    private byte[] Bytes(string sha)
    {
        var path = _paths.GetOrAdd(sha, Find);
        return sampleSet.ReadAllBytesAsync(path).GetAwaiter().GetResult();
    }

    private string Find(string sha) =>
        MediaStore.FindAsync(sampleSet, sha).GetAwaiter().GetResult()
        ?? throw new DataForgeException($"media {sha} is not in {StoragePaths.Join(sampleSet.Uri, MediaStore.Folder)} (--media names the sample set the shards were packed from)");

    private static float[] Patches(byte[] bytes, int rows, int columns, string sha)
    {
        using var decoded = SKBitmap.Decode(bytes) ?? throw new DataForgeException($"image {sha} does not decode");
        int width = columns * 2 * ImageInput.Patch, height = rows * 2 * ImageInput.Patch;
        using var resized = decoded.Resize(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul), new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.None))
            ?? throw new DataForgeException($"image {sha} does not resize");
        var pixels = resized.GetPixelSpan();
        var patches = new float[rows * columns * 4 * ImageInput.PatchValues];
        var at = 0;
        for (var r = 0; r < rows; r++)
        {
            for (var c = 0; c < columns; c++)
            {
                foreach (var (dy, dx) in new[] { (0, 0), (0, 1), (1, 0), (1, 1) })
                {
                    int top = ((2 * r) + dy) * ImageInput.Patch, left = ((2 * c) + dx) * ImageInput.Patch;
                    for (var channel = 0; channel < 3; channel++)
                    {
                        for (var y = 0; y < ImageInput.Patch; y++)
                        {
                            for (var x = 0; x < ImageInput.Patch; x++)
                            {
                                patches[at++] = (pixels[((((top + y) * width) + left + x) * 4) + channel] / 127.5f) - 1;
                            }
                        }
                    }
                }
            }
        }

        return patches;
    }

    private short[] Samples(string sha)
    {
        var path = _paths.GetOrAdd(sha, Find);
        var bytes = sampleSet.ReadAllBytesAsync(path).GetAwaiter().GetResult();
        if (path.EndsWith(".wav", StringComparison.Ordinal))
        {
            var wav = WavFile.Read(bytes);
            if (wav.SampleRate == LogMel.SampleRate && wav.Channels == 1)
            {
                return wav.Samples;
            }
        }

        var folder = Path.Combine(scratchDirectory, "media");
        Directory.CreateDirectory(folder);
        File.WriteAllBytes(Path.Combine(folder, StoragePaths.FileName(path)), bytes);
        var (audio, error) = new FfmpegDecoder(LogMel.SampleRate, folder).DecodeAsync(new LocalStorage(folder), StoragePaths.FileName(path), CancellationToken.None).GetAwaiter().GetResult();
        File.Delete(Path.Combine(folder, StoragePaths.FileName(path)));
        return audio?.Samples ?? throw new DataForgeException($"audio {sha} does not decode: {error}");
    }
}
