using System.Text.Json;

namespace DataForge.Training.Training;

/// <summary>snake_case JSON for run descriptions and training options files, as the rest of DataForge's formats.</summary>
public static class TrainingJson
{
    public static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
    };
}
