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
public sealed class MediaLoader(IStorage sampleSet, int imagePadId, int audioPadId, string scratchDirectory)
{
    private readonly ConcurrentDictionary<string, string> _paths = new(StringComparer.Ordinal);

    public static MediaLoader? For(IStorage? sampleSet, ShardIndex index, string scratchDirectory) =>
        sampleSet is not null
        && index.Tokenizer.SpecialTokens.TryGetValue("<|image_pad|>", out var image)
        && index.Tokenizer.SpecialTokens.TryGetValue("<|audio_pad|>", out var audio)
            ? new MediaLoader(sampleSet, image, audio, scratchDirectory)
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
