using DataForge.Core.Pipeline;

namespace DataForge.Captions;

/// <summary>Options of the caption stage.</summary>
public sealed record CaptionOptions : IStageOptions
{
    /// <summary>
    /// Captioners to run; each caption is labelled with its captioner. <c>template</c> needs nothing outside the
    /// process; <c>openai</c> asks an endpoint; <c>fusion</c> merges alt text with a synthetic caption (through the
    /// endpoint when one is set, else by rule) into one <c>fused</c> caption per language.
    /// </summary>
    public IReadOnlyList<string> Captioners { get; init; } = ["template"];

    /// <summary><c>short</c> and/or <c>dense</c>.</summary>
    public IReadOnlyList<string> Kinds { get; init; } = ["short", "dense"];

    /// <summary><c>en</c> and/or <c>zh</c>.</summary>
    public IReadOnlyList<string> Languages { get; init; } = ["en"];

    /// <summary>Captions shorter than this are rejected.</summary>
    public int MinCaptionChars { get; init; } = 10;

    /// <summary>Pass the input samples on (with their images) besides the caption samples.</summary>
    public bool KeepInputs { get; init; } = true;

    /// <summary>Also insert the first kept caption after each image of the input sample (as a context text part).</summary>
    public bool InsertIntoDocuments { get; init; }

    /// <summary>openai: the endpoint's base URL (e.g. http://localhost:8000/v1 for vLLM).</summary>
    public string? Endpoint { get; init; }

    /// <summary>openai: the model name the endpoint serves.</summary>
    public string? Model { get; init; }

    /// <summary>openai: the environment variable that holds the API key.</summary>
    public string ApiKeyEnv { get; init; } = "OPENAI_API_KEY";

    public int MaxTokens { get; init; } = 256;

    public double Temperature { get; init; } = 0.2;

    public double TimeoutSeconds { get; init; } = 60;

    public int Retries { get; init; } = 3;

    public int RetryBaseMs { get; init; } = 800;

    /// <summary>openai: requests in flight at once.</summary>
    public int Concurrency { get; init; } = 4;

    /// <summary>openai: prompts by <c>kind_lang</c> (short_en, dense_zh, …) replacing the built-in ones.</summary>
    public IReadOnlyDictionary<string, string> Prompts { get; init; } = new Dictionary<string, string>();

    /// <summary>openai: where answers are cached, relative to the run's output.</summary>
    public string CachePath { get; init; } = "_cache/captions";

    /// <summary>Whether a captioner talks to the endpoint: openai always, fusion when an endpoint is set.</summary>
    public bool UsesEndpoint => Captioners.Contains("openai") || (Captioners.Contains("fusion") && !string.IsNullOrWhiteSpace(Endpoint));

    public IEnumerable<string> Validate()
    {
        foreach (var captioner in Captioners)
        {
            if (captioner is not ("template" or "openai" or "fusion"))
            {
                yield return $"captioner '{captioner}' is not available (available: template, openai, fusion)";
            }
        }

        if (UsesEndpoint && (string.IsNullOrWhiteSpace(Endpoint) || string.IsNullOrWhiteSpace(Model) || !Uri.TryCreate(Endpoint, UriKind.Absolute, out _)))
        {
            yield return "the openai captioner needs an absolute endpoint URL and a model";
        }

        if (MaxTokens < 1 || TimeoutSeconds <= 0 || Retries < 0 || RetryBaseMs < 0 || Concurrency < 1)
        {
            yield return "max_tokens, timeout_seconds and concurrency must be positive, retries and retry_base_ms not negative";
        }

        if (Captioners.Count == 0 || Kinds.Count == 0 || Languages.Count == 0)
        {
            yield return "captioners, kinds and languages must not be empty";
        }

        foreach (var kind in Kinds.Where(kind => kind is not ("short" or "dense")))
        {
            yield return $"kind '{kind}' is not short or dense";
        }

        foreach (var language in Languages.Where(language => language is not ("en" or "zh")))
        {
            yield return $"language '{language}' is not en or zh";
        }
    }
}
