using System.Text.Encodings.Web;
using System.Text.Json;

namespace DataForge.Core;

/// <summary>The JSON settings of every file DataForge writes: stable, human-readable, non-ASCII kept as is.</summary>
public static class DataForgeJson
{
    public static readonly JsonSerializerOptions Indented = new()
    {
        WriteIndented = true,
        IndentSize = 2,
        NewLine = "\n",
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static readonly JsonSerializerOptions Compact = new()
    {
        WriteIndented = false,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static string DataForgeVersion { get; } =
        typeof(DataForgeJson).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";
}
