using System.CommandLine;

namespace DataForge.Cli.Commands;

/// <summary>
/// <c>dataforge interleave INPUT... --out DIR [--config FILE] [every interleave option as a flag: --min-image-side N,
/// --keep-text-only …]</c>: the interleave stage and a sample-set writer.
/// </summary>
public static class InterleaveCommand
{
    public static Command Create(CliContext app) =>
        new SourceStageCommand("interleave", "extract interleaved image-text documents from web archives and pages", "INPUT", "WARC files (.warc, .warc.gz) or folders of .html pages").Create(app);
}
