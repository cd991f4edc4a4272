using System.CommandLine;

namespace DataForge.Cli.Commands;

/// <summary>
/// <c>dataforge seg2edit ANNOTATIONS... --images DIR --out DIR [--ops paint,remove,highlight] [--lang en,zh] [--seed N]
/// [--min-area N] [--panoptic-masks DIR] [--config FILE]</c> (every seg2edit option is a flag): the seg2edit stage and a
/// sample-set writer.
/// </summary>
public static class Seg2EditCommand
{
    public static Command Create(CliContext app) =>
        new SourceStageCommand("seg2edit", "turn segmentation annotations into image-editing triples (paint, remove, highlight)", "ANNOTATIONS", "COCO instances or panoptic .json, or a mask folder's labels.tsv/.csv").Create(app);
}
