using DataForge.Core.Pipeline;
using DataForge.Core.Stages.Contract;

namespace DataForge.Captions;

/// <summary>Options of the caption stage.</summary>
public sealed record CaptionOptions : IStageOptions
{
    [Option("Captioners to run; each caption is labelled with its captioner. template needs nothing outside the process; openai asks an endpoint; fusion merges alt text with a synthetic caption (through the endpoint when one is set, else by rule) into one fused caption per language.", Aliases = ["--captioner"])]
    public IReadOnlyList<string> Captioners { get; init; } = ["template"];

    [Option("short and/or dense.")]
    public IReadOnlyList<string> Kinds { get; init; } = ["short", "dense"];

    [Option("en and/or zh.", Aliases = ["--lang"])]
    public IReadOnlyList<string> Languages { get; init; } = ["en"];

    [Option("Captions shorter than this are rejected.")]
    public int MinCaptionChars { get; init; } = 10;

    [Option("Pass the input samples on (with their images) besides the caption samples.")]
    public bool KeepInputs { get; init; } = true;

    [Option("Also insert the first kept caption after each image of the input sample (as a context text part).")]
    public bool InsertIntoDocuments { get; init; }

    [Option("openai: the endpoint's base URL (e.g. http://localhost:8000/v1 for vLLM).")]
    public string? Endpoint { get; init; }

    [Option("openai: the model name the endpoint serves.")]
    public string? Model { get; init; }

    [Option("openai: the environment variable that holds the API key.")]
    public string ApiKeyEnv { get; init; } = "OPENAI_API_KEY";

    [Option("openai: the most tokens an answer may have (max_tokens of the request).")]
    public int MaxTokens { get; init; } = 256;

    [Option("openai: sampling temperature of the request.")]
    public double Temperature { get; init; } = 0.2;

    [Option("openai: seconds one request may take before it is retried.")]
    public double TimeoutSeconds { get; init; } = 60;

    [Option("openai: retries of a request that timed out or got 429/5xx, with exponential backoff.")]
    public int Retries { get; init; } = 3;

    [Option("openai: the first backoff in milliseconds; it doubles each retry.")]
    public int RetryBaseMs { get; init; } = 800;

    [Option("openai: requests in flight at once.")]
    public int Concurrency { get; init; } = 4;

    [Option("openai: prompts by kind_lang (short_en, dense_zh, …) replacing the built-in ones.")]
    public IReadOnlyDictionary<string, string> Prompts { get; init; } = new Dictionary<string, string>();

    [Option("openai: where answers are cached, relative to the run's output.")]
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
