using DataForge.Core.Pipeline;
using DataForge.Core.Stages.Contract;
using DataForge.SegEdit.Editing;
using DataForge.SegEdit.Instructions;

namespace DataForge.SegEdit;

/// <summary>Options of the seg2edit stage.</summary>
public sealed record Seg2EditOptions : ISourceOptions
{
    [Option("COCO instances or panoptic .json files, or label files (.tsv/.csv) of mask folders.")]
    public IReadOnlyList<string>? Inputs { get; init; }

    [Option("The folder (or URI) of the images a COCO file names; relative to the pipeline file.")]
    public string? Images { get; init; }

    [Option("COCO panoptic: the folder of segment PNGs; default: beside the .json, named like it without the extension.")]
    public string? PanopticMasks { get; init; }

    [Option("Edits to make per object: paint (segmentation as editing proper), remove, highlight. All three by default; [paint] alone for the recolouring data only.")]
    public IReadOnlyList<string> Ops { get; init; } = ["paint", "remove", "highlight"];

    [Option("Instruction languages; one triple per object, edit and language (they share the target image).", Aliases = ["--lang"])]
    public IReadOnlyList<string> Languages { get; init; } = ["en", "zh"];

    [Option("Seeds every choice (phrasing, colour, relation); the same seed gives the same triples.")]
    public long Seed { get; init; }

    [Option("Objects with fewer pixels are rejected (mask.too_small).")]
    public long MinArea { get; init; } = 100;

    [Option("COCO crowd regions (iscrowd: 1) become objects too.")]
    public bool IncludeCrowd { get; init; } = true;

    [Option("Paint and highlight colours to choose from.")]
    public IReadOnlyList<string> Colors { get; init; } = PaintPalette.Names;

    [Option("A paint colour must move the object's mean colour at least this far (Oklab ΔE) and have another name.")]
    public double MinColorDifference { get; init; } = 0.08;

    [Option("highlight: opacity (0..1) of the tint laid over the object.")]
    public double HighlightOpacity { get; init; } = 0.45;

    [Option("highlight: width in pixels of the outline drawn inside the object's edge.")]
    public int OutlineWidth { get; init; } = 2;

    [Option("remove: Jacobi smoothing passes over the filled hole.")]
    public int RemoveSmoothing { get; init; } = 40;

    [Option("png (default) or webp (lossless).")]
    public string TargetFormat { get; init; } = "png";

    [Option("Chinese names for categories the built-in list lacks (English name → Chinese).")]
    public IReadOnlyDictionary<string, string> CategoryNamesZh { get; init; } = new Dictionary<string, string>();

    [Option("Images with more pixels are rejected before decoding (image.too_many_pixels).")]
    public long MaxImagePixels { get; init; } = 50_000_000;

    public IEnumerable<string> Validate()
    {
        if (Ops.Count == 0 || Ops.Any(op => !InstructionTemplates.Ops.Contains(op)))
        {
            yield return $"ops must be some of {string.Join(", ", InstructionTemplates.Ops)}";
        }

        if (Languages.Count == 0 || Languages.Any(language => !InstructionTemplates.Languages.Contains(language)))
        {
            yield return "languages must be some of en, zh";
        }

        if (Colors.Count == 0 || Colors.Any(colour => !PaintPalette.Names.Contains(colour)))
        {
            yield return $"colors must be some of {string.Join(", ", PaintPalette.Names)}";
        }

        if (TargetFormat is not ("png" or "webp"))
        {
            yield return "target_format must be png or webp";
        }

        if (MinArea < 1 || MinColorDifference < 0 || HighlightOpacity is <= 0 or > 1 || OutlineWidth < 0 || RemoveSmoothing < 0 || MaxImagePixels < 1)
        {
            yield return "min_area and max_image_pixels must be positive, highlight_opacity in (0, 1], outline_width, remove_smoothing and min_color_difference not negative";
        }
    }
}
