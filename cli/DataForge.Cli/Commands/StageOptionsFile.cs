using System.Text.Json.Nodes;
using DataForge.Core;
using DataForge.Core.Pipeline;
using DataForge.Core.Stages.Contract;

namespace DataForge.Cli.Commands;

/// <summary>The <c>--config FILE</c> of stage commands: a YAML mapping of the stage's options.</summary>
internal static class StageOptionsFile
{
    public static JsonObject Load(FileInfo file) =>
        file.Exists
            ? PipelineFile.ParseOptions(File.ReadAllText(file.FullName), file.FullName)
            : throw new UsageException($"config file not found: {file.FullName}");
}
