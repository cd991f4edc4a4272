using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using DataForge.Core.SampleSets;
using DataForge.Core.Stages.Contract;

namespace DataForge.Core.Pipeline;

/// <summary>What one task wrote; stored as its <c>_tasks/NNNNN/_SUCCESS</c>, which is written last.</summary>
public sealed record TaskReport(
    [property: JsonPropertyName("task")] int Task,
    [property: JsonPropertyName("task_count")] int TaskCount,
    [property: JsonPropertyName("config_hash")] string ConfigHash,
    [property: JsonPropertyName("inputs")] int Inputs,
    [property: JsonPropertyName("samples")] long Samples,
    [property: JsonPropertyName("parts")] PartCounts Parts,
    [property: JsonPropertyName("files")] IReadOnlyList<ManifestFile> Files,
    [property: JsonPropertyName("rejects")] IReadOnlyDictionary<string, long> Rejects,
    [property: JsonPropertyName("reject_files")] IReadOnlyList<string> RejectFiles,
    [property: JsonPropertyName("extras")] IReadOnlyDictionary<string, JsonNode>? Extras = null,
    [property: JsonPropertyName("inputs_sha256")] string? InputsSha256 = null);

/// <summary>A published file with its size and checksum.</summary>
public sealed record ManifestFile(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("samples")] long Samples,
    [property: JsonPropertyName("bytes")] long Bytes,
    [property: JsonPropertyName("sha256")] string Sha256);
