using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Win32.SafeHandles;

namespace DataForge.SegEdit.Sources;

/// <summary>
/// A COCO annotation file (instances or panoptic) read in one streaming pass: images and categories are kept
/// (small), each annotation is copied to a local spool file and only its image id and byte range are kept, so a
/// 450 MB <c>instances_train2017.json</c> costs memory for its index, not its polygons. Annotations are then read
/// back per image, in any order, from the spool.
/// </summary>
public sealed class CocoAnnotationFile : IDisposable
{
    private readonly SafeFileHandle _spool;

    private CocoAnnotationFile(
        SafeFileHandle spool,
        IReadOnlyList<CocoImageEntry> images,
        IReadOnlyDictionary<long, CocoCategoryEntry> categories,
        IReadOnlyList<SpooledAnnotation> annotations,
        bool isPanoptic)
    {
        _spool = spool;
        Categories = categories;
        IsPanoptic = isPanoptic;

        // Ids are keys: a repeated image id would edit its annotations twice under one sample id, a repeated
        // annotation id give two objects one name. The first of each is kept, the rest are listed for rejects.
        var kept = new List<CocoImageEntry>();
        var duplicateImages = new List<CocoImageEntry>();
        var known = new HashSet<long>();
        foreach (var image in images)
        {
            if (image.Id is { } imageId && !known.Add(imageId))
            {
                duplicateImages.Add(image);
            }
            else
            {
                kept.Add(image);
            }
        }

        Images = kept;
        DuplicateImages = duplicateImages;
        var byImage = new Dictionary<long, List<SpooledAnnotation>>();
        var orphans = new List<SpooledAnnotation>();
        var duplicateAnnotations = new List<SpooledAnnotation>();
        var annotationIds = new HashSet<long>();
        foreach (var annotation in annotations)
        {
            if (annotation.Id is { } annotationId && !annotationIds.Add(annotationId))
            {
                duplicateAnnotations.Add(annotation);
            }
            else if (annotation.ImageId is { } id && known.Contains(id))
            {
                if (!byImage.TryGetValue(id, out var list))
                {
                    byImage[id] = list = [];
                }

                list.Add(annotation);
            }
            else
            {
                orphans.Add(annotation);
            }
        }

        ByImage = byImage;
        Orphans = orphans;
        DuplicateAnnotations = duplicateAnnotations;
    }

    public IReadOnlyList<CocoImageEntry> Images { get; }

    public IReadOnlyDictionary<long, CocoCategoryEntry> Categories { get; }

    public IReadOnlyDictionary<long, List<SpooledAnnotation>> ByImage { get; }

    /// <summary>Image entries whose id an earlier entry has.</summary>
    public IReadOnlyList<CocoImageEntry> DuplicateImages { get; }

    /// <summary>Annotations whose id an earlier annotation has.</summary>
    public IReadOnlyList<SpooledAnnotation> DuplicateAnnotations { get; }

    /// <summary>Annotations with no image id, or one no image entry has.</summary>
    public IReadOnlyList<SpooledAnnotation> Orphans { get; }

    /// <summary>Panoptic files annotate whole images (<c>segments_info</c>) rather than single objects.</summary>
    public bool IsPanoptic { get; }

    public static async Task<CocoAnnotationFile> ReadAsync(Stream json, string spoolPath, CancellationToken cancellationToken, int bufferSize = 64 * 1024)
    {
        var spool = File.OpenHandle(spoolPath, FileMode.Create, FileAccess.ReadWrite, FileShare.Read, FileOptions.DeleteOnClose);
        try
        {
            var converter = new SpoolingConverter(spool);
            var options = new JsonSerializerOptions { DefaultBufferSize = bufferSize, Converters = { converter } };
            FileShape shape;
            try
            {
                shape = await JsonSerializer.DeserializeAsync<FileShape>(json, options, cancellationToken)
                    ?? throw new InvalidDataException("the annotation file is JSON null");
            }
            catch (JsonException e)
            {
                var where = e.LineNumber is { } line ? $" (line {line + 1}, byte {e.BytePositionInLine + 1})" : string.Empty;
                throw new InvalidDataException($"not a COCO annotation file{where}: {e.Message.Split(". Path:")[0]}", e);
            }

            if (shape.Images is null || shape.Annotations is null)
            {
                throw new InvalidDataException("not a COCO annotation file: it needs 'images' and 'annotations' lists");
            }

            var categories = new Dictionary<long, CocoCategoryEntry>();
            foreach (var category in shape.Categories ?? [])
            {
                if (category.Id is { } id && !string.IsNullOrWhiteSpace(category.Name))
                {
                    categories[id] = category;
                }
            }

            return new CocoAnnotationFile(spool, shape.Images, categories, shape.Annotations, converter.SawSegmentsInfo);
        }
        catch
        {
            spool.Dispose();
            throw;
        }
    }

    /// <summary>One annotation's JSON, read back from the spool; safe from several threads at once.</summary>
    public JsonDocument Read(SpooledAnnotation annotation)
    {
        var bytes = new byte[annotation.Length];
        var read = 0;
        while (read < bytes.Length)
        {
            var n = RandomAccess.Read(_spool, bytes.AsSpan(read), annotation.Offset + read);
            if (n == 0)
            {
                throw new EndOfStreamException("the annotation spool is shorter than its index");
            }

            read += n;
        }

        return JsonDocument.Parse(bytes);
    }

    public void Dispose() => _spool.Dispose();

    private sealed class FileShape
    {
        [JsonPropertyName("images")]
        public List<CocoImageEntry>? Images { get; set; }

        [JsonPropertyName("categories")]
        public List<CocoCategoryEntry>? Categories { get; set; }

        [JsonPropertyName("annotations")]
        public List<SpooledAnnotation>? Annotations { get; set; }
    }

    /// <summary>
    /// Called by the serializer once per annotation with the whole annotation buffered: copies it to the spool and
    /// returns its index entry.
    /// </summary>
    private sealed class SpoolingConverter(SafeFileHandle spool) : JsonConverter<SpooledAnnotation>
    {
        private long _length;
        private int _ordinal;

        public bool SawSegmentsInfo { get; private set; }

        public override SpooledAnnotation Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            using var document = JsonDocument.ParseValue(ref reader);
            var root = document.RootElement;
            long? imageId = null;
            long? id = null;
            if (root.ValueKind == JsonValueKind.Object)
            {
                // TryGetInt64 throws for a string: an id of another type is no id (pycocotools' dict keys would not
                // match either), so the annotation is an orphan, not the end of the file.
                if (root.TryGetProperty("image_id", out var image) && image.ValueKind == JsonValueKind.Number && image.TryGetInt64(out var parsedImage))
                {
                    imageId = parsedImage;
                }

                if (root.TryGetProperty("id", out var own) && own.ValueKind == JsonValueKind.Number && own.TryGetInt64(out var parsedId))
                {
                    id = parsedId;
                }

                SawSegmentsInfo |= root.TryGetProperty("segments_info", out _);
            }

            var bytes = JsonSerializer.SerializeToUtf8Bytes(root);
            RandomAccess.Write(spool, bytes, _length);
            var entry = new SpooledAnnotation(_ordinal++, id, imageId, _length, bytes.Length);
            _length += bytes.Length;
            return entry;
        }

        public override void Write(Utf8JsonWriter writer, SpooledAnnotation value, JsonSerializerOptions options) =>
            throw new NotSupportedException("annotations are only read");
    }
}

/// <summary>An image entry of a COCO file; fields are nullable so that a bad entry is a reject, not a crash.</summary>
public sealed record CocoImageEntry(
    [property: JsonPropertyName("id"), JsonConverter(typeof(LenientNumber.Int64))] long? Id,
    [property: JsonPropertyName("file_name"), JsonConverter(typeof(LenientNumber.Text))] string? FileName,
    [property: JsonPropertyName("width"), JsonConverter(typeof(LenientNumber.Int32))] int? Width,
    [property: JsonPropertyName("height"), JsonConverter(typeof(LenientNumber.Int32))] int? Height);

/// <summary>A category of a COCO file; <c>isthing</c> only in panoptic files.</summary>
public sealed record CocoCategoryEntry(
    [property: JsonPropertyName("id"), JsonConverter(typeof(LenientNumber.Int64))] long? Id,
    [property: JsonPropertyName("name"), JsonConverter(typeof(LenientNumber.Text))] string? Name,
    [property: JsonPropertyName("supercategory"), JsonConverter(typeof(LenientNumber.Text))] string? Supercategory,
    [property: JsonPropertyName("isthing"), JsonConverter(typeof(LenientNumber.Int32))] int? IsThing);

/// <summary>Where one annotation's JSON lies in the spool. <paramref name="Ordinal"/>: its position in the file.</summary>
public sealed record SpooledAnnotation(int Ordinal, long? Id, long? ImageId, long Offset, int Length);
