using DataForge.Core.Stages.Contract;

using DataForge.Core.Storage;
using DataForge.SegEdit.Masks;

namespace DataForge.SegEdit.Sources;

/// <summary>An image a dataset annotates: where its file is and the size the annotations were drawn on, when given.</summary>
public sealed record SourceImage(string ImageId, string FileName, IStorage Storage, string Path, string Uri, int? DeclaredWidth, int? DeclaredHeight);

/// <summary>
/// One object with a decoded mask. <paramref name="RejectInput"/> names it in rejects (file#annotation=id).
/// Objects that are not <paramref name="Editable"/> (too small, or crowds when those are left out) still count when
/// naming the others: "the circle" is ambiguous if a tiny second circle is in the picture.
/// </summary>
public sealed record SegmentedObject(string AnnotationId, string RejectInput, string Category, bool IsCrowd, PackedMask Packed, bool Editable = true)
{
    /// <summary>The mask as pixels, decoded anew on each call: take it once per edit.</summary>
    public BinaryMask Mask => Packed.Decode();
}

/// <summary>The objects of one image, and the annotations of it that failed.</summary>
public sealed record ImageObjects(IReadOnlyList<SegmentedObject> Objects, IReadOnlyList<Rejection> Rejects);

/// <summary>
/// One image of a dataset with a way to decode its objects' masks; decoding runs on a worker, in parallel with
/// other images, given the image's decoded size.
/// </summary>
public sealed record AnnotatedImage(SourceImage Image, string Dataset, Func<int, int, CancellationToken, Task<ImageObjects>> LoadObjectsAsync);
