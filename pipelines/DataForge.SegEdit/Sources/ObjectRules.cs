using DataForge.Core.Stages.Contract;

using DataForge.SegEdit.Masks;

namespace DataForge.SegEdit.Sources;

/// <summary>The checks every dataset format applies to a decoded object, so they reject for the same reasons.</summary>
public sealed class ObjectRules(long minArea, bool includeCrowd)
{
    public bool IncludeCrowd => includeCrowd;

    /// <summary>Adds the object (editable or not) and its reject, if any, to the image's lists.</summary>
    public void Add(List<SegmentedObject> objects, List<Rejection> rejects, string annotationId, string rejectInput, string category, bool isCrowd, BinaryMask mask)
    {
        var area = mask.Area();
        if (area == 0)
        {
            rejects.Add(new Rejection(rejectInput, Seg2EditRejectReasons.MaskEmpty, "the mask has no pixel inside the image"));
            return;
        }

        var editable = true;
        if (area < minArea)
        {
            rejects.Add(new Rejection(rejectInput, Seg2EditRejectReasons.MaskTooSmall, $"{area} pixels, below min_area {minArea}"));
            editable = false;
        }
        else if (isCrowd && !includeCrowd)
        {
            editable = false;
        }

        objects.Add(new SegmentedObject(annotationId, rejectInput, category, isCrowd, PackedMask.From(mask), editable));
    }
}
